export { LicensingRecords } from './LicensingRecords';
