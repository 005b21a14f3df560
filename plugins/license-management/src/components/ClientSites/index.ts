export { ClientSites } from './ClientSites';
export type { ClientSitesProps } from './ClientSites';
