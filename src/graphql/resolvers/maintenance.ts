import { Authorized, Ctx, Field, Float, Int, Mutation, ObjectType, Resolver } from 'type-graphql';
import type { RequestContext } from '../context.js';
import { encodePosition } from '../../app/cursors.js';
import type { CourtshipServices } from '../services.js';

@ObjectType({ description: 'What a rebuild of the read models replayed.' })
export class RebuildResult {
  @Field(() => String, { nullable: true, description: 'Position of the last event replayed (an `events(after:)` cursor); null on an empty log.' })
  checkpoint!: string | null;

  @Field(() => Int, { description: "The caller's tenant's relationships in the rebuilt read models." })
  relationships!: number;

  @Field(() => Float, { description: 'How long the rebuild took.' })
  seconds!: number;
}

@Resolver()
export class MaintenanceResolver {
  constructor(private readonly services: CourtshipServices) {}

  @Authorized('admin')
  @Mutation(() => RebuildResult, {
    description:
      'Rebuilds the read models from the log and swaps them in; queries keep answering from the old ones meanwhile, and the result is identical to what the live projector built. The read models of every tenant on this server share one file, so this is a server-wide operator action: a call made while a rebuild runs joins it. Needs the admin scope.',
  })
  async rebuildReadModels(@Ctx() ctx: RequestContext): Promise<RebuildResult> {
    const maintenance = this.services.maintenance;
    if (!maintenance) throw new Error('this server cannot rebuild its read models');
    const started = performance.now();
    const result = await maintenance.rebuildReadModels(ctx.tenant);
    return {
      checkpoint: result.checkpoint === null ? null : encodePosition(result.checkpoint),
      relationships: result.relationships,
      seconds: Math.round(performance.now() - started) / 1000,
    };
  }
}
