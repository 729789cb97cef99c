import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBody, ApiCreatedResponse, ApiTags } from '@nestjs/swagger';
import { WebhooksService } from './webhooks.service.js';

const example = {
  id: 'order-confirmation',
  name: 'Order confirmation to the clienteling app',
  url: 'https://clienteling.example.com/hooks/orders',
  method: 'POST',
  headers: { 'x-campaign': '{{campaign.id}}' },
  body: '{"customer": {{json customer.firstName}}, "total": {{json event.properties.total}}, "items": {{json event.properties.items}}}',
  signing: { type: 'standard-webhooks' },
};

@ApiTags('control plane')
@Controller('v1/webhooks')
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Post()
  @ApiBody({ schema: { example } })
  @ApiCreatedResponse({ description: 'Stored; a generated signing secret is returned once, as generatedSecret' })
  @ApiBadRequestResponse({ description: 'Each invalid field with its JSON path; nothing stored' })
  create(@Body() body: unknown) {
    return this.webhooks.create(body);
  }

  @Get()
  list() {
    return this.webhooks.list();
  }

  @Get(':id')
  get(@Param('id') id: string) {
    return this.webhooks.get(id);
  }

  @Put(':id')
  @ApiBody({ schema: { example } })
  replace(@Param('id') id: string, @Body() body: unknown) {
    return this.webhooks.replace(id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  async delete(@Param('id') id: string) {
    await this.webhooks.delete(id);
  }
}
