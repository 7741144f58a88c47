/**
 * The OpsGenie REST API objects the importer reads (wire-contracts.md 1.8-1.10, OpsGenie's OpenAPI).
 * Only the fields the importer uses are typed; everything is optional where OpsGenie may omit it.
 */

export interface OgRecipient {
  type: 'user' | 'team' | 'escalation' | 'schedule' | 'none' | string;
  id?: string;
  name?: string;
  username?: string;
}

export interface OgContact {
  id?: string;
  contactMethod: 'email' | 'sms' | 'voice' | 'mobile' | string;
  to: string;
  enabled?: boolean;
  disabledReason?: string;
}

export interface OgNotificationStep {
  id?: string;
  contact: { method: string; to: string };
  sendAfter?: { timeAmount: number; timeUnit?: string };
  enabled?: boolean;
}

export interface OgNotificationRule {
  id: string;
  name: string;
  actionType: string;
  order?: number;
  enabled?: boolean;
  notificationTime?: string[];
  criteria?: { type: string; conditions?: Array<{ field: string; operation: string; expectedValue?: string; not?: boolean }> };
  timeRestriction?: OgTimeRestriction;
  steps?: OgNotificationStep[];
  repeat?: { loopAfter?: number; enabled?: boolean };
}

export interface OgUser {
  id: string;
  username: string;
  fullName?: string;
  role?: { id?: string; name: string };
  timeZone?: string;
  locale?: string;
  blocked?: boolean;
  verified?: boolean;
  userContacts?: OgContact[];
  /** Read by the importer from /v2/users/{id}/notification-rules/{ruleId}. */
  notificationRules?: OgNotificationRule[];
}

export interface OgTeam {
  id: string;
  name: string;
  description?: string;
  members?: Array<{ user: { id: string; username?: string }; role?: string }>;
}

export interface OgTimeOfDay {
  startHour: number;
  startMin: number;
  endHour: number;
  endMin: number;
}

export interface OgWeekdayTime extends OgTimeOfDay {
  startDay: string;
  endDay: string;
}

export type OgTimeRestriction = { type: 'time-of-day'; restriction: OgTimeOfDay } | { type: 'weekday-and-time-of-day'; restrictions: OgWeekdayTime[] };

export interface OgRotation {
  id: string;
  name: string;
  startDate: string;
  endDate?: string;
  type: 'daily' | 'weekly' | 'hourly' | string;
  length?: number;
  participants: OgRecipient[];
  timeRestriction?: OgTimeRestriction;
}

export interface OgOverride {
  alias: string;
  user: OgRecipient;
  startDate: string;
  endDate: string;
  rotations?: Array<{ id: string; name?: string }>;
}

export interface OgSchedule {
  id: string;
  name: string;
  description?: string;
  timezone: string;
  enabled?: boolean;
  ownerTeam?: { id: string; name?: string };
  rotations?: OgRotation[];
  /** Read by the importer from /v2/schedules/{id}/overrides. */
  overrides?: OgOverride[];
}

export interface OgEscalationRule {
  condition?: 'if-not-acked' | 'if-not-closed' | string;
  notifyType?: 'default' | 'next' | 'previous' | 'users' | 'admins' | 'all' | string;
  delay?: { timeAmount: number; timeUnit?: string };
  recipient: OgRecipient;
}

export interface OgEscalation {
  id: string;
  name: string;
  description?: string;
  ownerTeam?: { id: string; name?: string };
  rules: OgEscalationRule[];
  repeat?: { waitInterval?: number | null; count?: number | null; resetRecipientStates?: boolean | null; closeAlertAfterAll?: boolean | null };
}

export interface OgIntegration {
  id: string;
  name: string;
  type: string;
  enabled?: boolean;
  teamId?: string;
  ownerTeam?: { id: string; name?: string };
  /** Only for API-based integrations, and only when the reading key may see it. */
  apiKey?: string;
  responders?: OgRecipient[];
  emailAddress?: string;
}

export interface OgHeartbeat {
  name: string;
  description?: string;
  interval: number;
  intervalUnit: 'minutes' | 'hours' | 'days' | string;
  enabled: boolean;
  expired?: boolean;
  ownerTeam?: { id: string; name?: string };
  alertPriority?: string;
  alertMessage?: string;
}

export interface OgMaintenance {
  id: string;
  status?: string;
  description?: string;
  time: { type: string; startDate?: string; endDate?: string };
  rules?: Array<{ state: 'enabled' | 'disabled' | string; entity: { id: string; type: 'integration' | 'policy' | string } }>;
}

export interface OpsGenieAccount {
  users: OgUser[];
  teams: OgTeam[];
  schedules: OgSchedule[];
  escalations: OgEscalation[];
  integrations: OgIntegration[];
  heartbeats: OgHeartbeat[];
  maintenance: OgMaintenance[];
}
