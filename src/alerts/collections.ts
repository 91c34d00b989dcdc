/** The store collections the alert machinery owns (see src/store/document-store.ts for the naming rule). */
export const ALERT_COLLECTIONS = {
  /** One document per alert, under its key. */
  alerts: 'alerts',
  /** One document per conversation: its stored Teams conversation reference. */
  conversations: 'conversations',
  /** One document per conversation: its `alerts on` scopes. */
  subscriptions: 'alert-subscriptions',
  /** One document per conversation: the messages sent there and the flood state. */
  deliveries: 'alert-deliveries',
  /** Pods reported by Alertmanager to a replica that is not the leader, for the leader to check. */
  inbox: 'alert-inbox',
} as const;
