/**
 * Alerts and what routes them: services (something that can break), their integrations (each with
 * its own key), escalation policies, maintenance windows and heartbeats.
 */
import type { AlertPriority } from './intake.js';
import type { Urgency } from '../notifications/notifications.js';

export type AlertStatus = 'open' | 'acknowledged' | 'closed';
export type IntegrationType = 'opsgenie' | 'pagerduty' | 'alertmanager' | 'grafana' | 'generic' | 'sentry';
export const INTEGRATION_TYPES: IntegrationType[] = ['opsgenie', 'pagerduty', 'alertmanager', 'grafana', 'generic', 'sentry'];
export const PRIORITIES: AlertPriority[] = ['P1', 'P2', 'P3', 'P4', 'P5'];

export type EscalationTarget = { type: 'schedule' | 'user' | 'team' | 'slack_channel'; id: string };

export interface EscalationStep {
  /** Minutes before the next step (or the next round) when nobody acknowledges. */
  delayMinutes: number;
  targets: EscalationTarget[];
}

export interface EscalationPolicy {
  id: string;
  teamId: string;
  slug: string;
  name: string;
  description: string;
  /** Rounds after the first (0: the steps run once). */
  repeat: number;
  steps: EscalationStep[];
  createdAt: number;
  updatedAt: number;
}

export interface Service {
  id: string;
  teamId: string;
  slug: string;
  name: string;
  description: string;
  escalationPolicyId: string | null;
  alertsChannel: string | null;
  urgencyRule: Record<AlertPriority, Urgency>;
  stormThreshold: number;
  createdAt: number;
  updatedAt: number;
}

export interface Integration {
  id: string;
  serviceId: string;
  name: string;
  type: IntegrationType;
  keyHint: string;
  signingSecret: string | null;
  options: Record<string, unknown>;
  disabled: boolean;
  createdAt: number;
}

export interface Alert {
  id: string;
  number: number;
  serviceId: string;
  integrationId: string | null;
  alias: string;
  status: AlertStatus;
  message: string;
  description: string;
  priority: AlertPriority;
  urgency: Urgency;
  source: string;
  entity: string;
  tags: string[];
  details: Record<string, string>;
  links: Array<{ href: string; text?: string }>;
  count: number;
  firstAt: number;
  lastAt: number;
  acknowledgedAt: number | null;
  acknowledgedBy: string | null;
  closedAt: number | null;
  closedBy: string | null;
  snoozedUntil: number | null;
  ownerId: string | null;
  storm: boolean;
  incidentId: string | null;
  createdAt: number;
  updatedAt: number;
}

export interface MaintenanceWindow {
  id: string;
  serviceId: string;
  start: number;
  end: number;
  reason: string;
  createdBy: string | null;
  createdAt: number;
}

export interface Heartbeat {
  id: string;
  serviceId: string;
  name: string;
  intervalSeconds: number;
  priority: AlertPriority;
  enabled: boolean;
  lastPingAt: number | null;
  state: 'waiting' | 'ok' | 'expired';
  createdAt: number;
}

export interface AlertFilter {
  status?: AlertStatus | 'unclosed';
  incidentId?: string;
  serviceIds?: string[];
  alias?: string;
  priority?: AlertPriority;
  tag?: string;
  search?: string;
  before?: number;
  limit?: number;
  offset?: number;
  order?: 'asc' | 'desc';
}

export interface IntakeRequest {
  id: string;
  integrationId: string;
  action: string;
  alertId: string | null;
  alias: string | null;
  success: boolean;
  status: string;
  createdAt: number;
}

export interface AlertsRepo {
  insertPolicy(p: EscalationPolicy): Promise<void>;
  updatePolicy(p: EscalationPolicy): Promise<void>;
  findPolicy(idOrSlug: string): Promise<EscalationPolicy | undefined>;
  listPolicies(): Promise<EscalationPolicy[]>;
  insertService(s: Service): Promise<void>;
  updateService(s: Service): Promise<void>;
  findService(idOrSlug: string): Promise<Service | undefined>;
  listServices(options?: { teamId?: string }): Promise<Service[]>;
  insertIntegration(i: Integration, keyHash: string): Promise<void>;
  updateIntegration(i: Integration): Promise<void>;
  deleteIntegration(id: string): Promise<void>;
  findIntegrationByKeyHash(keyHash: string): Promise<Integration | undefined>;
  findIntegration(id: string): Promise<Integration | undefined>;
  listIntegrations(serviceId: string): Promise<Integration[]>;
  nextAlertNumber(): Promise<number>;
  insertAlert(a: Alert): Promise<void>;
  updateAlert(a: Alert): Promise<void>;
  findAlert(id: string): Promise<Alert | undefined>;
  findAlertByNumber(n: number): Promise<Alert | undefined>;
  /** The unclosed alert with this alias on the service (locked for this transaction). */
  findOpenByAlias(serviceId: string, alias: string): Promise<Alert | undefined>;
  /** The latest alert with this alias on any of these services (OpsGenie alias lookups). */
  findLatestByAlias(serviceIds: string[], alias: string): Promise<Alert | undefined>;
  listAlerts(filter: AlertFilter): Promise<{ data: Alert[]; total: number }>;
  /**
   * Counts one more alert in the service's storm window and returns the count, the alert included.
   * The window opens with the first alert after the previous one is `windowMs` old.
   */
  countInStormWindow(serviceId: string, now: number, windowMs: number): Promise<number>;
  insertIntakeRequest(r: IntakeRequest): Promise<void>;
  findIntakeRequest(id: string): Promise<IntakeRequest | undefined>;
  insertMaintenance(m: MaintenanceWindow): Promise<void>;
  deleteMaintenance(id: string): Promise<void>;
  listMaintenance(serviceId: string, activeAt?: number): Promise<MaintenanceWindow[]>;
  insertHeartbeat(h: Heartbeat): Promise<void>;
  updateHeartbeat(h: Heartbeat): Promise<void>;
  findHeartbeatByName(name: string): Promise<Heartbeat | undefined>;
  findHeartbeat(id: string): Promise<Heartbeat | undefined>;
  listHeartbeats(serviceId?: string): Promise<Heartbeat[]>;
}

// This domain's repository, in every unit of work (see shared/ports.ts).
declare module '../shared/ports.js' {
  interface Repos {
    alerts: AlertsRepo;
  }
}
