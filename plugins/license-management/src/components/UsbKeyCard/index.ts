export { UsbKeyCard } from './UsbKeyCard';
export type { UsbKeyCardProps } from './UsbKeyCard';
