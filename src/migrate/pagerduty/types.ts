/**
 * The PagerDuty REST API v2 objects the importer reads (wire-contracts.md 2.3). Only the fields the
 * importer uses are typed.
 */

export interface PdRef {
  id: string;
  type?: string;
  summary?: string;
}

export interface PdContactMethod extends PdRef {
  type: 'email_contact_method' | 'phone_contact_method' | 'sms_contact_method' | 'push_notification_contact_method' | 'whatsapp_contact_method' | string;
  label?: string;
  address: string;
  country_code?: number;
}

export interface PdNotificationRule extends PdRef {
  start_delay_in_minutes: number;
  urgency: 'high' | 'low' | string;
  contact_method: PdContactMethod | PdRef;
}

export interface PdUser extends PdRef {
  name: string;
  email: string;
  time_zone?: string;
  role?: string;
  job_title?: string;
  teams?: PdRef[];
  contact_methods?: Array<PdContactMethod | PdRef>;
  notification_rules?: Array<PdNotificationRule | PdRef>;
}

export interface PdTeam extends PdRef {
  name: string;
  description?: string | null;
  /** Read by the importer from /teams/{id}/members. */
  members?: Array<{ user: PdRef; role?: 'manager' | 'responder' | 'observer' | string }>;
}

export interface PdRestriction {
  type: 'daily_restriction' | 'weekly_restriction' | string;
  duration_seconds: number;
  start_time_of_day: string;
  start_day_of_week?: number | null;
}

export interface PdScheduleLayer {
  id?: string;
  name?: string;
  start: string;
  end?: string | null;
  users: Array<{ user: PdRef }>;
  rotation_virtual_start: string;
  rotation_turn_length_seconds: number;
  restrictions?: PdRestriction[];
}

export interface PdRenderedEntry {
  start: string;
  end: string;
  user?: PdRef;
}

export interface PdSchedule extends PdRef {
  name: string;
  description?: string | null;
  time_zone: string;
  schedule_layers?: PdScheduleLayer[];
  teams?: PdRef[];
  final_schedule?: { name?: string; rendered_schedule_entries?: PdRenderedEntry[]; rendered_coverage_percentage?: number };
  /** Read by the importer from /schedules/{id}/overrides. */
  overrides?: PdOverride[];
}

export interface PdOverride {
  id?: string;
  start: string;
  end: string;
  user: PdRef;
}

export interface PdEscalationRule {
  id?: string;
  escalation_delay_in_minutes: number;
  targets: PdRef[];
  escalation_rule_assignment_strategy?: string | { type: string };
}

export interface PdEscalationPolicy extends PdRef {
  name: string;
  description?: string | null;
  num_loops?: number;
  on_call_handoff_notifications?: string;
  escalation_rules: PdEscalationRule[];
  teams?: PdRef[];
}

export interface PdIntegration extends PdRef {
  name?: string;
  integration_key?: string;
  vendor?: PdRef | null;
}

export interface PdService extends PdRef {
  name: string;
  description?: string | null;
  status?: string;
  escalation_policy: PdRef;
  teams?: PdRef[];
  integrations?: PdIntegration[];
  incident_urgency_rule?: { type: 'constant' | 'use_support_hours' | string; urgency?: 'high' | 'low' | 'severity_based' | string };
  acknowledgement_timeout?: number | null;
  auto_resolve_timeout?: number | null;
}

export interface PdMaintenanceWindow extends PdRef {
  start_time: string;
  end_time: string;
  description?: string | null;
  services?: PdRef[];
}

export interface PagerDutyAccount {
  users: PdUser[];
  teams: PdTeam[];
  schedules: PdSchedule[];
  escalationPolicies: PdEscalationPolicy[];
  services: PdService[];
  maintenanceWindows: PdMaintenanceWindow[];
}
