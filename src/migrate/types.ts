/**
 * Shared types of the importers (`vigil import opsgenie|pagerduty`): the vigil.yaml document they
 * produce (the shapes of src/core/config-as-code/*-section.ts), what could not be carried over, the
 * per-person to-dos, and the link between an imported schedule and its source for verification.
 */
import type { Restriction, ShiftLength } from '../core/schedules/model.js';

export type VigilRole = 'admin' | 'responder' | 'stakeholder';

export interface VigilUserDoc {
  email: string;
  name: string;
  timeZone?: string;
  role?: VigilRole;
  phone?: string;
  active?: boolean;
}

export interface VigilTeamDoc {
  slug: string;
  name: string;
  description?: string;
  lead?: string;
  members: string[];
}

export interface VigilLayerDoc {
  name: string;
  participants: string[];
  shift: ShiftLength;
  handoffTime: string;
  handoffWeekday?: number;
  startDate: string;
  endDate?: string;
  restrictions?: Restriction[];
  /** 'combine': on call together with the layers below (OpsGenie rotations); absent: the later layer wins. */
  mode?: 'combine' | 'override';
}

export interface VigilOverrideDoc {
  user: string;
  start: string;
  end: string;
  replaces?: string;
  /** Replace only this layer's person (the layer's name). */
  layer?: string;
  reason?: string;
}

export interface VigilScheduleDoc {
  slug: string;
  name: string;
  team: string;
  timeZone: string;
  description?: string;
  layers: VigilLayerDoc[];
  overrides?: VigilOverrideDoc[];
}

export type VigilTargetDoc = { schedule: string } | { user: string } | { team: string };

export interface VigilPolicyDoc {
  slug: string;
  name: string;
  team: string;
  description?: string;
  repeat: number;
  steps: Array<{ delayMinutes: number; targets: VigilTargetDoc[] }>;
}

export type VigilIntegrationType = 'opsgenie' | 'pagerduty' | 'alertmanager' | 'grafana' | 'generic' | 'sentry';
export type VigilPriority = 'P1' | 'P2' | 'P3' | 'P4' | 'P5';

export interface VigilServiceDoc {
  slug: string;
  name: string;
  team: string;
  description?: string;
  escalationPolicy?: string;
  urgency?: Partial<Record<VigilPriority, 'high' | 'low'>>;
  integrations?: Array<{ name: string; type: VigilIntegrationType; key?: string }>;
  heartbeats?: Array<{ name: string; intervalSeconds: number; priority?: VigilPriority; enabled?: boolean }>;
  maintenance?: Array<{ start: string; end: string; reason?: string }>;
}

/** Contact methods and notification rules carried over for one person (the `contacts` section). */
export interface VigilContactsDoc {
  user: string;
  importedFrom: 'OpsGenie' | 'PagerDuty';
  methods: Array<{ type: 'email' | 'sms' | 'voice'; address: string; label?: string }>;
  rules: Array<{ urgency: 'high' | 'low'; type: 'email' | 'sms' | 'voice'; address: string; delayMinutes: number }>;
}

export interface VigilDocument {
  version: 1;
  users?: VigilUserDoc[];
  contacts?: VigilContactsDoc[];
  teams?: VigilTeamDoc[];
  schedules?: VigilScheduleDoc[];
  escalationPolicies?: VigilPolicyDoc[];
  services?: VigilServiceDoc[];
}

export type UnmappedKind =
  | 'user'
  | 'contact-methods'
  | 'contact-method'
  | 'notification-rule'
  | 'team'
  | 'schedule'
  | 'rotation'
  | 'override'
  | 'escalation'
  | 'escalation-rule'
  | 'service'
  | 'integration'
  | 'heartbeat'
  | 'maintenance';

/**
 * Something of the source account Vigil does not hold as it was: `skipped` (not imported) or
 * `approximated` (imported, but it behaves differently in Vigil, as the reason says).
 */
export interface UnmappedItem {
  kind: UnmappedKind;
  /** A human label of the source object, e.g. `schedule "Platform" rotation "Nights"`. */
  source: string;
  status: 'skipped' | 'approximated';
  reason: string;
}

/** What was carried over for a person (to confirm) and what they have to redo in Vigil themselves. */
export interface UserTodo {
  email: string;
  name: string;
  items: string[];
}

/** An imported schedule and where it came from: what `--verify` compares. */
export interface ScheduleLink {
  slug: string;
  name: string;
  sourceId: string;
  timeZone: string;
}

export interface MappingResult {
  document: VigilDocument;
  unmapped: UnmappedItem[];
  todos: UserTodo[];
  schedules: ScheduleLink[];
  /** How many objects of each kind were read from the source. */
  read: Record<string, number>;
}
