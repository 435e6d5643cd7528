import { Authorized, Field, Float, Int, Mutation, ObjectType, Resolver } from 'type-graphql';
import { encodePosition } from '../../store/port.js';
import type { CourtshipServices } from '../services.js';

@ObjectType({ description: 'What a rebuild of the read models replayed.' })
export class RebuildResult {
  @Field(() => String, { nullable: true, description: 'Position of the last event replayed (an `events(after:)` cursor); null on an empty log.' })
  checkpoint!: string | null;

  @Field(() => Int, { description: 'Relationships in the rebuilt read models (all tenants).' })
  relationships!: number;

  @Field(() => Int, { description: 'Events replayed.' })
  events!: number;

  @Field(() => Float)
  seconds!: number;
}

@Resolver()
export class MaintenanceResolver {
  constructor(private readonly services: CourtshipServices) {}

  @Authorized('admin')
  @Mutation(() => RebuildResult, {
    description:
      'Rebuilds every read model from the log (all tenants) and swaps them in; queries keep answering from the old ones meanwhile. The result is identical to what the live projector built. Needs the admin scope.',
  })
  async rebuildReadModels(): Promise<RebuildResult> {
    const maintenance = this.services.maintenance;
    if (!maintenance) throw new Error('this server cannot rebuild its read models');
    const started = performance.now();
    const result = await maintenance.rebuildReadModels();
    return {
      checkpoint: result.checkpoint === null ? null : encodePosition(result.checkpoint),
      relationships: result.relationships,
      events: result.events,
      seconds: Math.round(performance.now() - started) / 1000,
    };
  }
}
