import type { Dashboard, Panel } from '@grafana/schema';

/**
 * The provisioned dashboard checked against Grafana's own dashboard schema (its TypeScript
 * form, @grafana/schema) by the compiler (`npm run typecheck`, and monitoring.spec.ts):
 * a field Grafana does not know, or one of the wrong type or shape, fails to compile.
 * JSON imports widen literals ("timeseries" is a string), so the schema's enums and literal
 * unions are widened the same way before comparing.
 */
type Widen<T> = T extends string
  ? string
  : T extends number
    ? number
    : T extends boolean
      ? boolean
      : T extends readonly (infer U)[]
        ? Widen<U>[]
        : T extends object
          ? { [K in keyof T]: Widen<T[K]> }
          : T;
/** The keys of T (each member of a union on its own) that S does not have. */
type UnknownFields<T, S> = T extends unknown ? Exclude<keyof T, keyof S> : never;

type DashboardFile = typeof import('../../../../docker/grafana/dashboards/cuewire.json');
type Conforms<T extends Widen<Dashboard>> = T;

export type CheckedDashboard = Conforms<DashboardFile>;
export const noUnknownDashboardFields: [UnknownFields<DashboardFile, Dashboard>] extends [never] ? true : UnknownFields<DashboardFile, Dashboard> = true;
export const noUnknownPanelFields: [UnknownFields<DashboardFile['panels'][number], Panel>] extends [never] ? true : UnknownFields<DashboardFile['panels'][number], Panel> = true;
