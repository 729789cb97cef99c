import { Body, Controller, HttpCode, Param, Patch, UseFilters } from '@nestjs/common';
import { IngestBusyFilter } from '../backpressure/ingest-busy.filter.js';
import { ApiAcceptedResponse, ApiBody, ApiTags } from '@nestjs/swagger';
import { RequiresScope } from '@cuewire/platform';
import { UpsertProfileUseCase } from './upsert-profile.usecase.js';

@ApiTags('ingest')
@RequiresScope('ingest')
@Controller('v1/customers')
@UseFilters(IngestBusyFilter)
export class ProfilesController {
  constructor(private readonly upsertProfile: UpsertProfileUseCase) {}

  /** Merges attributes into the customer's profile (null removes one). */
  @Patch(':customerId')
  @HttpCode(202)
  @ApiBody({ schema: { example: { attributes: { firstName: 'Ada', country: 'CA', vip: true } } } })
  @ApiAcceptedResponse({ description: 'Accepted: durably written to the profiles topic' })
  upsert(@Param('customerId') customerId: string, @Body() body: unknown) {
    return this.upsertProfile.execute(customerId, body);
  }
}
