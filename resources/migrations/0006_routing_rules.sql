ALTER TABLE `deliveries` ADD `route_reason` text;--> statement-breakpoint
ALTER TABLE `endpoints` ADD `routing_rules` text DEFAULT '[]' NOT NULL;