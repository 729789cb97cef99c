import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Post, Put, UseInterceptors } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBody, ApiCreatedResponse, ApiTags } from '@nestjs/swagger';
import { RequiresScope } from '@cuewire/platform';
import { ConfigEtagInterceptor } from '../config-objects/config-etag.interceptor.js';
import { SegmentsService } from './segments.service.js';

const example = {
  id: 'vip-canada',
  name: 'VIP customers in Canada',
  match: 'all',
  conditions: [
    { field: 'vip', op: 'eq', value: true },
    { field: 'country', op: 'eq', value: 'CA' },
  ],
};

@ApiTags('control plane')
@RequiresScope('admin')
@Controller('v1/segments')
@UseInterceptors(ConfigEtagInterceptor)
export class SegmentsController {
  constructor(private readonly segments: SegmentsService) {}

  @Post()
  @ApiBody({ schema: { example } })
  @ApiCreatedResponse({ description: 'Stored; the segmenter re-evaluates every profile against it' })
  @ApiBadRequestResponse({ description: 'Each invalid field with its JSON path; nothing stored' })
  create(@Body() body: unknown) {
    return this.segments.create(body);
  }

  @Get()
  list() {
    return this.segments.list();
  }

  @Get(':id')
  get(@Param('id') id: string) {
    return this.segments.get(id);
  }

  /** How many customers are in the segment now. */
  @Get(':id/size')
  size(@Param('id') id: string) {
    return this.segments.size(id);
  }

  @Put(':id')
  @ApiBody({ schema: { example } })
  replace(@Param('id') id: string, @Body() body: unknown, @Headers('if-match') ifMatch?: string) {
    return this.segments.replace(id, body, ifMatch);
  }

  @Delete(':id')
  @HttpCode(204)
  async delete(@Param('id') id: string, @Headers('if-match') ifMatch?: string) {
    await this.segments.delete(id, ifMatch);
  }
}
