import { Ctx, Field, ObjectType, Query, Resolver } from 'type-graphql';
import type { RequestContext } from '../context.js';

@ObjectType({ description: 'The caller, as identified by its bearer token.' })
export class Whoami {
  @Field({ description: 'The tenant whose relationships this token can see.' })
  tenant!: string;

  @Field(() => [String], { description: 'Granted scopes: read, write, admin (admin implies write implies read).' })
  scopes!: string[];

  @Field({ description: 'Public id of the token, as listed by `courtship token list`.' })
  tokenId!: string;
}

@Resolver()
export class WhoamiResolver {
  @Query(() => Whoami, { description: 'Who the server thinks you are.' })
  whoami(@Ctx() ctx: RequestContext): Whoami {
    return { tenant: ctx.tenant, scopes: [...ctx.scopes], tokenId: ctx.tokenId };
  }
}
