import { Body, Controller, HttpCode, Param, Patch, UseFilters } from '@nestjs/common';
import { IngestBusyFilter } from '../backpressure/ingest-busy.filter.js';
import { ApiTags } from '@nestjs/swagger';
import { ApiJsonBody, ApiJsonResponse, ApiProblems, RequiresScope } from '@cuewire/platform';
import { profileAcceptedSchema } from '../ingest.openapi.js';
import { profilePatchSchema, UpsertProfileUseCase } from './upsert-profile.usecase.js';

@ApiTags('ingest')
@RequiresScope('ingest')
@Controller('v1/customers')
@UseFilters(IngestBusyFilter)
export class ProfilesController {
  constructor(private readonly upsertProfile: UpsertProfileUseCase) {}

  /** Merges attributes into the customer's profile (null removes one). */
  @Patch(':customerId')
  @HttpCode(202)
  @ApiJsonBody(profilePatchSchema, { name: 'ProfilePatch', examples: [{ attributes: { firstName: 'Ada', country: 'CA', vip: true } }] })
  @ApiJsonResponse(202, profileAcceptedSchema, 'Accepted: durably written to the profiles topic')
  @ApiProblems({ 400: 'Each invalid field with its JSON path', 429: 'Ingest is saturated; see Retry-After' })
  upsert(@Param('customerId') customerId: string, @Body() body: unknown) {
    return this.upsertProfile.execute(customerId, body);
  }
}
