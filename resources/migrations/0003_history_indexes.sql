CREATE INDEX `deliveries_endpoint_idx` ON `deliveries` (`endpoint_id`,`id`);--> statement-breakpoint
CREATE INDEX `deliveries_status_updated_idx` ON `deliveries` (`status`,`updated_at`);--> statement-breakpoint
CREATE INDEX `deliveries_created_at_idx` ON `deliveries` (`created_at`);--> statement-breakpoint
CREATE INDEX `events_own_received_at_idx` ON `events` (`received_at`) WHERE (is_test = 1 or event_type = 'knocker.endpoint_attention');