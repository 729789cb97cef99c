import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Post, Put, UseInterceptors } from '@nestjs/common';
import { ApiNoContentResponse, ApiTags } from '@nestjs/swagger';
import { segmentDefinitionSchema } from '@cuewire/campaigns';
import { ApiIfMatch, ApiJsonBody, ApiJsonResponse, ApiProblems, RequiresScope } from '@cuewire/platform';
import { createSegmentBody, segmentListSchema, segmentSizeSchema, segmentViewSchema } from './segments.openapi.js';
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
/** PUT takes the definition alone: the id is in the path. */
const { id: _id, ...definitionExample } = example;

@ApiTags('control plane')
@RequiresScope('admin')
@Controller('v1/segments')
@UseInterceptors(ConfigEtagInterceptor)
export class SegmentsController {
  constructor(private readonly segments: SegmentsService) {}

  @Post()
  @ApiJsonBody(createSegmentBody, { name: 'SegmentCreate', examples: [example] })
  @ApiJsonResponse(201, segmentViewSchema, 'Stored; the segmenter re-evaluates every profile against it', 'Segment')
  @ApiProblems({ 400: 'Each invalid field with its JSON path; nothing stored' })
  create(@Body() body: unknown) {
    return this.segments.create(body);
  }

  @Get()
  @ApiJsonResponse(200, segmentListSchema, 'Every segment')
  list() {
    return this.segments.list();
  }

  @Get(':id')
  @ApiJsonResponse(200, segmentViewSchema, 'The segment', 'Segment')
  @ApiProblems({ 404: 'No such segment' })
  get(@Param('id') id: string) {
    return this.segments.get(id);
  }

  /** How many customers are in the segment now. */
  @Get(':id/size')
  @ApiJsonResponse(200, segmentSizeSchema, 'Members now, as the segmenter keeps them')
  @ApiProblems({ 404: 'No such segment' })
  size(@Param('id') id: string) {
    return this.segments.size(id);
  }

  @Put(':id')
  @ApiJsonBody(segmentDefinitionSchema, { name: 'SegmentDefinition', examples: [definitionExample] })
  @ApiJsonResponse(200, segmentViewSchema, 'Replaced', 'Segment')
  @ApiProblems({ 400: 'Each invalid field with its JSON path; nothing stored', 404: 'No such segment', 409: 'Another writer is changing this object right now', 412: 'If-Match given and the object has changed since (the answer carries the current ETag)' })
  @ApiIfMatch()
  replace(@Param('id') id: string, @Body() body: unknown, @Headers('if-match') ifMatch?: string) {
    return this.segments.replace(id, body, ifMatch);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiProblems({ 400: 'The segment is used by a campaign', 404: 'No such segment', 409: 'Another writer is changing this object right now', 412: 'If-Match given and the object has changed since (the answer carries the current ETag)' })
  @ApiIfMatch()
  async delete(@Param('id') id: string, @Headers('if-match') ifMatch?: string) {
    await this.segments.delete(id, ifMatch);
  }
}
