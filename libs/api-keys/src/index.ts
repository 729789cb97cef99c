export * from './api-key.secret.js';
export * from './stored-api-key.js';
export * from './api-key.authenticator.js';
export * from './api-keys.env.js';
