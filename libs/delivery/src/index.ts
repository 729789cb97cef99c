export * from './webhook-signer.js';
export * from './private-network.guard.js';
export * from './webhook-http.client.js';
export * from './outbound-headers.js';
export * from './secret-box.js';
export * from './webhook-credentials.js';
export * from './outbound.env.js';
export * from './retry.policy.js';
