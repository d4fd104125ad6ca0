-- +goose Up
-- Automation rules' "notify" action is mailed: the outbox gains the kind
-- 'rule_notice' and a body column that carries the rule's text (already
-- placeholder-filled when the rule ran), so a retry renders the same words
-- even if the rule is edited or deleted meanwhile. The text is copied per
-- recipient; it is bounded like a comment (64 KiB).
-- Rules can also notify only a group's leads ('group_leads').
ALTER TABLE mail_outbox DROP CONSTRAINT mail_outbox_kind_check;
ALTER TABLE mail_outbox ADD CONSTRAINT mail_outbox_kind_check CHECK (kind IN ('ack', 'reply', 'pending', 'solved',
    'assigned', 'requester_reply', 'mention', 'sla_warning', 'sla_breach', 'guest_link', 'rule_notice'));
ALTER TABLE mail_outbox ADD COLUMN body text NOT NULL DEFAULT '' CHECK (octet_length(body) <= 65536);

ALTER TABLE notification_intents DROP CONSTRAINT notification_intents_recipient_check;
ALTER TABLE notification_intents ADD CONSTRAINT notification_intents_recipient_check
    CHECK (recipient IN ('requester', 'assignee', 'group', 'group_leads'));

-- +goose Down
ALTER TABLE notification_intents DROP CONSTRAINT notification_intents_recipient_check;
DELETE FROM notification_intents WHERE recipient = 'group_leads';
ALTER TABLE notification_intents ADD CONSTRAINT notification_intents_recipient_check
    CHECK (recipient IN ('requester', 'assignee', 'group'));
ALTER TABLE mail_outbox DROP COLUMN body;
DELETE FROM mail_outbox WHERE kind = 'rule_notice';
ALTER TABLE mail_outbox DROP CONSTRAINT mail_outbox_kind_check;
ALTER TABLE mail_outbox ADD CONSTRAINT mail_outbox_kind_check CHECK (kind IN ('ack', 'reply', 'pending', 'solved',
    'assigned', 'requester_reply', 'mention', 'sla_warning', 'sla_breach', 'guest_link'));
