// Types for the TypeScript specs that drive the infra tool (infra.mjs).
export interface InfraOptions {
  profile?: 'dev' | 'test';
  kafkaPort?: number;
  controllerPort?: number;
  registryPort?: number;
  registryManagementPort?: number;
  redisPort?: number;
  cacheDir?: string;
  stateDir?: string;
  log?: (message: string) => void;
}

export interface InfraEnv {
  kafkaBrokers: string;
  schemaRegistryUrl: string;
  redisUrl: string;
  /** Names of the components this call started. */
  started: string[];
}

export class InfraError extends Error {}
export function infraUp(options?: InfraOptions): Promise<InfraEnv>;
export function infraDown(options?: InfraOptions & { clean?: boolean }): Promise<void>;
