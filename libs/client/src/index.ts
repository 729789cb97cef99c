import createClient, { type Client, type ClientOptions } from 'openapi-fetch';
import type { components, operations, paths } from './generated/cuewire-api.js';

export type { components, operations, paths };
/** The body types of the API by component name, e.g. `Schemas['WebhookCreate']`. */
export type Schemas = components['schemas'];
export type ProblemDetails = Schemas['ProblemDetails'];
export type CuewireClient = Client<paths>;

type JsonBody<R> = R extends { content: { 'application/json': infer B } } ? B : never;
/** The JSON body of an operation's success (2xx) answer, e.g. `Answer<'webhooksTest'>`: for answers the document describes inline, not as a named component. */
export type Answer<Op extends keyof operations> = {
  [S in keyof operations[Op]['responses']]: S extends 200 | 201 | 202 ? JsonBody<operations[Op]['responses'][S]> : never;
}[keyof operations[Op]['responses']];

export interface CuewireClientOptions extends Omit<ClientOptions, 'baseUrl'> {
  /** Where the services answer, e.g. http://127.0.0.1:8080 (all targets) or one service's URL. */
  readonly baseUrl: string;
  /** An API key (`cwk_…` or the bootstrap key), sent as `Authorization: Bearer <key>`. */
  readonly apiKey?: string;
}

/**
 * A typed client of every Cuewire HTTP API, generated from the services' OpenAPI document
 * (`npm run client:generate`): paths, bodies and answers are checked by the compiler.
 *
 *   const cuewire = createCuewireClient({ baseUrl, apiKey });
 *   const { data, error } = await cuewire.POST('/v1/events', { body: { customerId: 'c-1', type: 'purchase' } });
 */
export function createCuewireClient({ apiKey, headers, ...options }: CuewireClientOptions): CuewireClient {
  return createClient<paths>({ ...options, headers: { ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}), ...(headers as Record<string, string> | undefined) } });
}
