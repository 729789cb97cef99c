import { BadRequestException, Body, Controller, Get, HttpCode, NotFoundException, Param, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { ApiJsonBody, ApiJsonQuery, ApiJsonResponse, ApiProblems, RequiresScope } from '@cuewire/platform';
import { DELIVERY_OUTCOMES, deliveryPageSchema, deliverySummarySchema, endpointStateSchema, replayedSchema, requeuedSchema } from './deliveries.openapi.js';
import { DeliveryReplay } from './delivery.replay.js';
import { DeliveryLogRepository } from './delivery-log.repository.js';

const range = {
  webhookId: z.string().min(1).optional(),
  campaignId: z.string().min(1).optional(),
  customerId: z.string().min(1).optional(),
  from: z.coerce.number().int().min(0).default(0),
  to: z.coerce.number().int().min(0).optional(),
};
const listQuery = z.object({ ...range, outcome: z.enum(DELIVERY_OUTCOMES).optional(), limit: z.coerce.number().int().min(1).max(1000).default(100), cursor: z.coerce.number().int().min(0).default(0) });
const summaryQuery = z.object(range);
const replayFailedBody = z.object({ since: z.number().int().min(0) });

function parse<T>(schema: z.ZodType<T>, input: unknown): T {
  const result = schema.safeParse(input);
  if (!result.success) throw new BadRequestException({ title: 'Invalid request', errors: result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) });
  return result.data;
}

/** The delivery log and replay, on the dispatcher's own HTTP server (it holds the log and the endpoint state). */
@ApiTags('deliveries')
@RequiresScope('admin')
@Controller('v1')
export class DeliveriesController {
  constructor(
    private readonly log: DeliveryLogRepository,
    private readonly replay: DeliveryReplay,
  ) {}

  /** Every attempt, newest first; filter by webhook, campaign, customer, outcome, time range (epoch ms). */
  @Get('deliveries')
  @ApiJsonQuery(listQuery)
  @ApiJsonResponse(200, deliveryPageSchema, 'One page of attempts, newest first')
  @ApiProblems({ 400: 'Invalid query parameter (field and reason)' })
  async list(@Query() query: Record<string, string>) {
    const q = parse(listQuery, query);
    return this.log.query({ ...q, to: q.to ?? Date.now() });
  }

  @Get('deliveries/summary')
  @ApiJsonQuery(summaryQuery)
  @ApiJsonResponse(200, deliverySummarySchema, 'Attempts by outcome and deliveries in the range')
  @ApiProblems({ 400: 'Invalid query parameter (field and reason)' })
  async summary(@Query() query: Record<string, string>) {
    const q = parse(summaryQuery, query);
    return this.log.summary({ ...q, to: q.to ?? Date.now() });
  }

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
