import { z } from 'zod';

/** How a pattern step's entity must relate to the previous step's entity (and what a correlator may ask). */
export const ENTITY_RELATIONS = ['same_entity', 'same_owner', 'mounts', 'selects', 'same_node', 'same_node_other_owner', 'same_namespace', 'governs', 'authorizes', 'related', 'any'] as const;
export const EntityRelation = z.enum(ENTITY_RELATIONS);
export type EntityRelation = z.infer<typeof EntityRelation>;
