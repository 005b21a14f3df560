export { RequestKeyButton } from './RequestKeyButton';
export type { RequestKeyButtonProps } from './RequestKeyButton';
