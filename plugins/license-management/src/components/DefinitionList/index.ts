export { DefinitionList } from './DefinitionList';
export type { DefinitionListProps } from './DefinitionList';
