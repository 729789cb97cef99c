import { Controller, Get, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Public } from '@cuewire/platform';
import { TrackEngagementUseCase } from './track-engagement.usecase.js';

/** A transparent 1×1 GIF89a (42 bytes). */
const PIXEL = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');
/** Every hit must reach us: no browser, proxy or mail-client cache may answer for us. */
const NO_CACHE = { 'cache-control': 'no-store, no-cache, must-revalidate, private, max-age=0', pragma: 'no-cache', expires: '0' };

/**
 * The token is the rest of the path, read from the URL rather than a `:param`: Fastify
 * answers 414 for route params over 100 characters, and click tokens carry a whole URL.
 */
function tokenAfter(prefix: string, req: FastifyRequest): string {
  const path = req.url.split('?')[0];
  return path.startsWith(prefix) ? path.slice(prefix.length) : '';
}

/** First-party tracking links embedded in messages (`/t/o/<token>.gif`, `/t/c/<token>`). */
@ApiExcludeController()
// Opened by mail clients and browsers: the signed token is the credential.
@Public()
@Controller('t')
export class TrackingController {
  constructor(private readonly track: TrackEngagementUseCase) {}

  @Get('o/*')
  async open(@Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    await this.track.open(tokenAfter('/t/o/', req).replace(/\.gif$/, ''));
    await reply.status(200).headers({ ...NO_CACHE, 'content-type': 'image/gif' }).send(PIXEL);
  }

  @Get('c/*')
  async click(@Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const url = await this.track.click(tokenAfter('/t/c/', req));
    await reply.status(302).headers({ ...NO_CACHE, location: url, 'referrer-policy': 'no-referrer' }).send();
  }
}
