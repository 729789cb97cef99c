import { Controller, Get } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { describePresets } from '@cuewire/templating';
import { ApiJsonResponse, RequiresScope } from '@cuewire/platform';
import { presetListSchema } from './webhooks.openapi.js';

const presets = describePresets();

@ApiTags('control plane')
@RequiresScope('admin')
@Controller('v1/webhook-presets')
export class WebhookPresetsController {
  /** Create one with POST /v1/webhooks {"preset": "<id>", "params": {…}, …any field to override}. */
  @Get()
  @ApiJsonResponse(200, presetListSchema, 'Provider presets (SendGrid, Twilio, Slack, generic JSON) with their parameters as JSON Schema')
  list() {
    return presets;
  }
}
