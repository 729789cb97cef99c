/**
 * The one place Redis key layouts are defined. Customer-scoped keys put the customer id in a
 * hash tag `{…}` so all of a customer's keys live on one Redis Cluster slot (multi-key
 * scripts stay legal there).
 */
export const RedisKeys = {
  profile: (customerId: string) => `profile:{${customerId}}`,
  segments: (customerId: string) => `segments:{${customerId}}`,
  deliveredMark: (deliveryId: string) => `delivered:{${deliveryId}}`,
} as const;
