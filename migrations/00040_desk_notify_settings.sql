-- The ticket page's settings in the desk cache (issue 18): besides the
-- queue's directory (00034), each `atiende serve` keeps per tenant what
-- the console's ticket page reads of the desk's setup: the SLA policies,
-- their targets and escalation ladders, the business calendars and the
-- SLA settings, every macro and the custom field definitions. A committed
-- change to any of those rows sends NOTIFY atiende_desks with the tenant's
-- id through 00034's notify_desk_changes, and every server drops that
-- tenant's entries.

-- +goose Up
CREATE TRIGGER sla_policies_inserted_notify AFTER INSERT ON sla_policies
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION notify_desk_changes();
CREATE TRIGGER sla_policies_updated_notify AFTER UPDATE ON sla_policies
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION notify_desk_changes();
CREATE TRIGGER sla_policies_deleted_notify AFTER DELETE ON sla_policies
    REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION notify_desk_changes();

CREATE TRIGGER sla_targets_inserted_notify AFTER INSERT ON sla_targets
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION notify_desk_changes();
CREATE TRIGGER sla_targets_updated_notify AFTER UPDATE ON sla_targets
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION notify_desk_changes();
CREATE TRIGGER sla_targets_deleted_notify AFTER DELETE ON sla_targets
    REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION notify_desk_changes();

CREATE TRIGGER sla_escalations_inserted_notify AFTER INSERT ON sla_escalations
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION notify_desk_changes();
CREATE TRIGGER sla_escalations_updated_notify AFTER UPDATE ON sla_escalations
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION notify_desk_changes();
CREATE TRIGGER sla_escalations_deleted_notify AFTER DELETE ON sla_escalations
    REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION notify_desk_changes();

CREATE TRIGGER sla_calendars_inserted_notify AFTER INSERT ON sla_calendars
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION notify_desk_changes();
CREATE TRIGGER sla_calendars_updated_notify AFTER UPDATE ON sla_calendars
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION notify_desk_changes();
CREATE TRIGGER sla_calendars_deleted_notify AFTER DELETE ON sla_calendars
    REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION notify_desk_changes();

CREATE TRIGGER sla_settings_inserted_notify AFTER INSERT ON sla_settings
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION notify_desk_changes();
CREATE TRIGGER sla_settings_updated_notify AFTER UPDATE ON sla_settings
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION notify_desk_changes();
CREATE TRIGGER sla_settings_deleted_notify AFTER DELETE ON sla_settings
    REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION notify_desk_changes();

CREATE TRIGGER macros_inserted_notify AFTER INSERT ON macros
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION notify_desk_changes();
CREATE TRIGGER macros_updated_notify AFTER UPDATE ON macros
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION notify_desk_changes();
CREATE TRIGGER macros_deleted_notify AFTER DELETE ON macros
    REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION notify_desk_changes();

CREATE TRIGGER custom_field_defs_inserted_notify AFTER INSERT ON custom_field_defs
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION notify_desk_changes();
CREATE TRIGGER custom_field_defs_updated_notify AFTER UPDATE ON custom_field_defs
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION notify_desk_changes();
CREATE TRIGGER custom_field_defs_deleted_notify AFTER DELETE ON custom_field_defs
    REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION notify_desk_changes();

-- +goose Down
DROP TRIGGER custom_field_defs_deleted_notify ON custom_field_defs;
DROP TRIGGER custom_field_defs_updated_notify ON custom_field_defs;
DROP TRIGGER custom_field_defs_inserted_notify ON custom_field_defs;
DROP TRIGGER macros_deleted_notify ON macros;
DROP TRIGGER macros_updated_notify ON macros;
DROP TRIGGER macros_inserted_notify ON macros;
DROP TRIGGER sla_settings_deleted_notify ON sla_settings;
DROP TRIGGER sla_settings_updated_notify ON sla_settings;
DROP TRIGGER sla_settings_inserted_notify ON sla_settings;
DROP TRIGGER sla_calendars_deleted_notify ON sla_calendars;
DROP TRIGGER sla_calendars_updated_notify ON sla_calendars;
DROP TRIGGER sla_calendars_inserted_notify ON sla_calendars;
DROP TRIGGER sla_escalations_deleted_notify ON sla_escalations;
DROP TRIGGER sla_escalations_updated_notify ON sla_escalations;
DROP TRIGGER sla_escalations_inserted_notify ON sla_escalations;
DROP TRIGGER sla_targets_deleted_notify ON sla_targets;
DROP TRIGGER sla_targets_updated_notify ON sla_targets;
DROP TRIGGER sla_targets_inserted_notify ON sla_targets;
DROP TRIGGER sla_policies_deleted_notify ON sla_policies;
DROP TRIGGER sla_policies_updated_notify ON sla_policies;
DROP TRIGGER sla_policies_inserted_notify ON sla_policies;
