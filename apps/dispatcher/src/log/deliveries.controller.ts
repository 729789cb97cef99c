import { BadRequestException, Body, Controller, Get, HttpCode, NotFoundException, Param, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { ApiJsonBody, ApiJsonResponse, ApiProblems, RequiresScope } from '@cuewire/platform';
import { endpointStateSchema, replayedSchema, requeuedSchema } from './deliveries.openapi.js';
import { DeliveryReplay } from './delivery.replay.js';

const replayFailedBody = z.object({ since: z.number().int().min(0) });

function parse<T>(schema: z.ZodType<T>, input: unknown): T {
  const result = schema.safeParse(input);
  if (!result.success) throw new BadRequestException({ title: 'Invalid request', errors: result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) });
  return result.data;
}

/**
 * Replay and endpoint state, on the dispatcher's own HTTP server (it holds the replay store and
 * the endpoint state). Searching deliveries is the history service's (GET /v1/deliveries…).
 */
@ApiTags('deliveries')
@RequiresScope('admin')
@Controller('v1')
export class DeliveriesController {
  constructor(private readonly replay: DeliveryReplay) {}

  /** Sends one dead delivery again (a fresh attempt 1, same webhook-id). */
  @Post('deliveries/:deliveryId/replay')
  @HttpCode(202)
  @ApiJsonResponse(202, replayedSchema, 'Sent again')
  @ApiProblems({ 404: 'No dead delivery with this id in the log' })
  async replayOne(@Param('deliveryId') deliveryId: string) {
    if (!(await this.replay.one(deliveryId))) throw new NotFoundException({ title: `no dead delivery ${deliveryId} in the log` });
    return { replayed: 1 };
  }

  /** Sends again every delivery of a webhook that died since `since` (epoch ms). */
  @Post('webhooks/:webhookId/replay-failed')
  @HttpCode(202)
  @ApiJsonBody(replayFailedBody, { examples: [{ since: 1764000000000 }] })
  @ApiJsonResponse(202, replayedSchema, 'How many dead deliveries were sent again')
  @ApiProblems({ 400: 'Invalid body (field and reason)' })
  async replayFailed(@Param('webhookId') webhookId: string, @Body() body: unknown) {
    return { replayed: await this.replay.failedSince(webhookId, parse(replayFailedBody, body).since) };
  }

  @Get('endpoints/:webhookId')
  @ApiJsonResponse(200, endpointStateSchema, 'Circuit breaker and auto-disable state of the webhook’s endpoint')
  async endpoint(@Param('webhookId') webhookId: string) {
    return this.replay.endpointState(webhookId);
  }

  /** Re-enables a disabled endpoint; its parked deliveries flow again. */
  @Post('endpoints/:webhookId/enable')
  @ApiJsonResponse(201, requeuedSchema, 'Enabled; parked deliveries flow again')
  async enable(@Param('webhookId') webhookId: string) {
    return { requeued: await this.replay.enable(webhookId) };
  }
}
