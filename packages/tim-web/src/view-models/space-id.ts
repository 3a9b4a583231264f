import { SPACE_ID_MAX_CHARS } from '@tim/protocol';

/** A space id (`[a-z0-9-]{1,40}`) made from a name a person typed: "Night Owls!" → "night-owls". */
export function spaceIdFromName(name: string): string {
  return name
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, SPACE_ID_MAX_CHARS)
    .replace(/-+$/g, '');
}
