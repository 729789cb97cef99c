import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ApiKeyCatalog } from './api-key.catalog.js';
import { ApiKeyGuard } from './api-key.guard.js';

/**
 * API keys for a service's HTTP routes: the key catalog and a global guard. Import it in every
 * service with routes that are not public (needs KafkaModule). In the single binary the module
 * is one instance, so one view and one guard serve every target in the process.
 */
@Module({
  providers: [ApiKeyCatalog, { provide: APP_GUARD, useClass: ApiKeyGuard }],
  exports: [ApiKeyCatalog],
})
export class ApiKeysModule {}
