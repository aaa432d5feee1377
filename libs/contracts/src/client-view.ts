export interface ClientView {
  id: number;
  name: string;
  /** Null: the service default (ON_DEMAND_DEFAULT_LIMIT). */
  onDemandLimit: number | null;
  onDemandInUse: number;
}

export interface ClientInput {
  name: string;
  onDemandLimit?: number | null;
}

export const CLIENT_VIEW = { id: true, name: true, onDemandLimit: true, onDemandInUse: true } as const;
