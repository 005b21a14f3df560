export { PortalNav } from './PortalNav';
