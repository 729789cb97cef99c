/**
 * The event type the control plane writes to fire an on-demand campaign for one customer
 * (properties: `campaignId`, `requestId`). It travels the normal event path, so the firing is
 * enriched, filtered and capped like any other, in order with the customer's other events.
 */
export const ON_DEMAND_EVENT_TYPE = 'cuewire.on_demand';
