export { ProblemPanel } from './ProblemPanel';
export type { ProblemPanelProps } from './ProblemPanel';
