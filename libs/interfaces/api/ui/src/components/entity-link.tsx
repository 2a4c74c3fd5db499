import { Link } from 'wouter';
import type { EntityRef } from '../api/types.ts';
import { entityLabel, whyHref } from '../format/format.ts';

/** An entity, linked to the Resource page that says why it is in trouble. */
export function EntityLink({ entity }: { entity: Pick<EntityRef, 'kind' | 'name' | 'namespace'> }) {
  return (
    <Link href={whyHref(entity)} className="entity">
      {entityLabel(entity)}
    </Link>
  );
}
