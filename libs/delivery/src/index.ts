export * from './webhook-signer.js';
export * from './private-network.guard.js';
export * from './webhook-http.client.js';
