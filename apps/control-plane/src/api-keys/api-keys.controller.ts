import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Post, UseInterceptors } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBody, ApiCreatedResponse, ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { RequiresScope } from '@cuewire/platform';
import { ConfigEtagInterceptor } from '../config-objects/config-etag.interceptor.js';
import { ApiKeysService } from './api-keys.service.js';

@ApiTags('api keys')
@RequiresScope('admin')
@Controller('v1/api-keys')
@UseInterceptors(ConfigEtagInterceptor)
export class ApiKeysController {
  constructor(private readonly apiKeys: ApiKeysService) {}

  @Post()
  @ApiBody({ schema: { example: { name: 'Shop backend', scopes: ['ingest'] } } })
  @ApiCreatedResponse({ description: 'The key (`key`, cwk_…) is in this answer only: store it now. Scopes: ingest (events, profiles, engagements), admin (control plane, delivery log).' })
  @ApiBadRequestResponse({ description: 'Each invalid field with its JSON path; nothing stored' })
  create(@Body() body: unknown) {
    return this.apiKeys.create(body);
  }

  /** Metadata only: secrets and their digests are never returned. */
  @Get()
  list() {
    return this.apiKeys.list();
  }

  @Get(':id')
  @ApiNotFoundResponse({ description: 'No such key (or it was revoked)' })
  get(@Param('id') id: string) {
    return this.apiKeys.get(id);
  }

  @Post(':id/rotate')
  @HttpCode(200)
  @ApiBody({ required: false, schema: { example: { previousKeyValidForSeconds: 3600 } } })
  @ApiOkResponse({ description: 'The new key, shown once. The old secret stops at once, or after previousKeyValidForSeconds (at most 604800, a week).' })
  rotate(@Param('id') id: string, @Body() body: unknown, @Headers('if-match') ifMatch?: string) {
    return this.apiKeys.rotate(id, body, ifMatch);
  }

  /** Revokes the key: every service refuses it as soon as its view has the change (milliseconds). */
  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Revoked' })
  async revoke(@Param('id') id: string, @Headers('if-match') ifMatch?: string) {
    await this.apiKeys.revoke(id, ifMatch);
  }
}
