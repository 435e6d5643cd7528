import { Field, ObjectType } from 'type-graphql';
import { Relationship } from './relationship.js';

@ObjectType({ description: 'What a write returns: the relationship with the write applied, and where the write sits in the log.' })
export class AppendResult {
  @Field(() => Relationship, { description: 'The relationship with the write applied.' })
  relationship!: Relationship;

  @Field({
    description:
      'Opaque global position of the last event appended: an `events(after:)` cursor, and the position reads can wait for (read-your-writes).',
  })
  position!: string;
}
