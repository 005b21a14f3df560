export { ExpiryTimeline } from './ExpiryTimeline';
export type { ExpiryTimelineProps } from './ExpiryTimeline';
