/** Reads back the parts of a timeline SVG that the tests care about. */
export interface SvgParts {
  readonly lanes: string[];
  readonly bars: { job: string; lane: string; x: number; width: number }[];
  readonly waits: string[];
  readonly ticks: number;
}

function attrs(tag: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of tag.matchAll(/([a-z-]+)="([^"]*)"/g)) out[m[1]!] = m[2]!;
  return out;
}

/** Parses our own SVG output with regexes, after checking that its tags nest properly. */
export function readSvg(svg: string): SvgParts {
  const stack: string[] = [];
  for (const m of svg.matchAll(/<(\/?)([a-zA-Z]+)[^>]*?(\/?)>/g)) {
    const [, closing, name, selfClosing] = m;
    if (selfClosing === '/') continue;
    if (closing === '/') {
      if (stack.pop() !== name) throw new Error(`</${name}> does not close the open tag`);
    } else stack.push(name!);
  }
  if (stack.length !== 0) throw new Error(`unclosed tags: ${stack.join(', ')}`);
  const tags = [...svg.matchAll(/<[a-z]+ [^>]*>/g)].map((m) => m[0]);
  return {
    lanes: tags.filter((t) => t.startsWith('<g class="lane"')).map((t) => attrs(t)['data-lane']!),
    bars: tags
      .filter((t) => t.startsWith('<rect class="job-bar"'))
      .map((t) => {
        const a = attrs(t);
        return { job: a['data-job']!, lane: a['data-lane']!, x: Number(a.x), width: Number(a.width) };
      }),
    waits: tags.filter((t) => t.startsWith('<rect class="wait-bar"')).map((t) => attrs(t)['data-job']!),
    ticks: tags.filter((t) => t.startsWith('<line class="tick"')).length,
  };
}
