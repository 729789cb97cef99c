import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Post, UseInterceptors } from '@nestjs/common';
import { ApiNoContentResponse, ApiNotFoundResponse, ApiTags } from '@nestjs/swagger';
import { ApiIfMatch, ApiJsonBody, ApiJsonResponse, ApiProblems, RequiresScope } from '@cuewire/platform';
import { apiKeyListSchema, apiKeyViewSchema, issuedApiKeySchema } from './api-keys.openapi.js';
import { ApiKeysService, createSchema, rotateSchema } from './api-keys.service.js';
import { ConfigEtagInterceptor } from '../config-objects/config-etag.interceptor.js';

@ApiTags('api keys')
@RequiresScope('admin')
@Controller('v1/api-keys')
@UseInterceptors(ConfigEtagInterceptor)
export class ApiKeysController {
  constructor(private readonly apiKeys: ApiKeysService) {}

  @Post()
  @ApiJsonBody(createSchema, { name: 'ApiKeyCreate', examples: [{ name: 'Shop backend', scopes: ['ingest'] }] })
  @ApiJsonResponse(201, issuedApiKeySchema, 'The key (`key`, cwk_…) is in this answer only: store it now. Scopes: ingest (events, profiles, engagements), admin (control plane, delivery log).', 'IssuedApiKey')
  @ApiProblems({ 400: 'Each invalid field with its JSON path; nothing stored' })
  create(@Body() body: unknown) {
    return this.apiKeys.create(body);
  }

  /** Metadata only: secrets and their digests are never returned. */
  @Get()
  @ApiJsonResponse(200, apiKeyListSchema, 'Every key, metadata only')
  list() {
    return this.apiKeys.list();
  }

  @Get(':id')
  @ApiJsonResponse(200, apiKeyViewSchema, 'The key, metadata only', 'ApiKey')
  @ApiNotFoundResponse({ description: 'No such key (or it was revoked)' })
  get(@Param('id') id: string) {
    return this.apiKeys.get(id);
  }

  @Post(':id/rotate')
  @HttpCode(200)
  @ApiJsonBody(rotateSchema, { required: false, examples: [{ previousKeyValidForSeconds: 3600 }] })
  @ApiJsonResponse(200, issuedApiKeySchema, 'The new key, shown once. The old secret stops at once, or after previousKeyValidForSeconds (at most 604800, a week).', 'IssuedApiKey')
  @ApiProblems({ 400: 'Each invalid field with its JSON path', 404: 'No such key (or it was revoked)', 409: 'Another writer is changing this object right now', 412: 'If-Match given and the object has changed since (the answer carries the current ETag)' })
  @ApiIfMatch()
  rotate(@Param('id') id: string, @Body() body: unknown, @Headers('if-match') ifMatch?: string) {
    return this.apiKeys.rotate(id, body, ifMatch);
  }

  /** Revokes the key: every service refuses it as soon as its view has the change (milliseconds). */
  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Revoked' })
  @ApiProblems({ 404: 'No such key (or it was revoked)', 409: 'Another writer is changing this object right now', 412: 'If-Match given and the object has changed since (the answer carries the current ETag)' })
  @ApiIfMatch()
  async revoke(@Param('id') id: string, @Headers('if-match') ifMatch?: string) {
    await this.apiKeys.revoke(id, ifMatch);
  }
}
