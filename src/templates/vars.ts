/**
 * The variables a Handlebars template reads, found by walking its parsed AST (never a hand-kept list, so the
 * documentation and the override check cannot drift from the templates). Names are dotted paths from the view
 * root; `[]` marks a list item: `processes[].command`.
 */
import Handlebars from 'handlebars';

interface Loc {
  start: { line: number; column: number };
}
interface Node {
  type: string;
  loc?: Loc;
}
interface PathNode extends Node {
  type: 'PathExpression';
  data: boolean;
  depth: number;
  parts: string[];
  original: string;
}
interface ProgramNode extends Node {
  body: Node[];
  blockParams?: string[];
}
interface CallNode extends Node {
  path: Node;
  params: Node[];
  hash?: { pairs: { value: Node }[] };
  program?: ProgramNode | null;
  inverse?: ProgramNode | null;
}

export interface VariableUse {
  name: string;
  line: number;
  col: number;
}

const BUILTIN_HELPERS = new Set(['if', 'unless', 'each', 'with', 'lookup', 'log']);

/** Scopes from the innermost out: the path prefix that `this` stands for, and block parameter names. */
interface Scope {
  prefix: string;
  params: Map<string, string>;
}

function join(prefix: string, rest: string): string {
  if (!rest) return prefix;
  return prefix ? `${prefix}.${rest}` : rest;
}

/** Every variable read by `source`, in order of appearance (with duplicates). Throws Handlebars' parse error. */
export function variableUses(source: string): VariableUse[] {
  const ast = Handlebars.parse(source) as unknown as ProgramNode;
  const uses: VariableUse[] = [];

  const resolvePath = (p: PathNode, scopes: Scope[]): string | null => {
    if (p.data) return null; // @index, @first, @root...
    const scope = scopes[Math.max(0, scopes.length - 1 - p.depth)]!;
    const [head, ...rest] = p.parts;
    if (head !== undefined && p.depth === 0) {
      for (let i = scopes.length - 1; i >= 0; i--) {
        const bound = scopes[i]!.params.get(head);
        if (bound !== undefined) return join(bound, rest.join('.'));
      }
    }
    return join(scope.prefix, p.parts.join('.'));
  };
  const use = (n: Node, scopes: Scope[]): string | null => {
    if (n.type === 'SubExpression') {
      call(n as CallNode, scopes, false);
      return null;
    }
    if (n.type !== 'PathExpression') return null;
    const name = resolvePath(n as PathNode, scopes);
    if (name) uses.push({ name, line: n.loc?.start.line ?? 1, col: (n.loc?.start.column ?? 0) + 1 });
    return name;
  };
  const call = (n: CallNode, scopes: Scope[], block: boolean): void => {
    const head = n.path as PathNode;
    const helper = head.type === 'PathExpression' && head.depth === 0 && head.parts.length === 1 && (BUILTIN_HELPERS.has(head.parts[0]!) || n.params.length > 0);
    const args = helper ? n.params.map((p) => use(p, scopes)) : [use(n.path, scopes)];
    for (const pair of n.hash?.pairs ?? []) use(pair.value, scopes);
    if (!block) return;
    const name = helper ? head.parts[0] : undefined;
    const subject = args[0] ?? null;
    // Only context-changing blocks add a level for `../`; `if`/`unless` keep the current one.
    let inner: Scope | null = null;
    if (name === 'each' && subject !== null) inner = { prefix: `${subject}[]`, params: new Map() };
    else if (name === 'with' && subject !== null) inner = { prefix: subject, params: new Map() };
    else if (!helper && subject !== null) inner = { prefix: subject, params: new Map() }; // {{#section}} context block
    const bp = n.program?.blockParams ?? [];
    if (inner && bp.length && subject !== null) inner.params.set(bp[0]!, name === 'each' ? `${subject}[]` : subject);
    if (n.program) program(n.program, inner ? [...scopes, inner] : scopes);
    if (n.inverse) program(n.inverse, scopes);
  };
  const program = (p: ProgramNode, scopes: Scope[]): void => {
    for (const s of p.body) {
      if (s.type === 'MustacheStatement') call(s as CallNode, scopes, false);
      else if (s.type === 'BlockStatement') call(s as CallNode, scopes, true);
    }
  };
  program(ast, [{ prefix: '', params: new Map() }]);
  return uses;
}

/** The sorted, distinct variables of a template. */
export function templateVariables(source: string): string[] {
  const all = [...new Set(variableUses(source).map((u) => u.name))];
  // A list or object read only to loop over it is implied by its members: list `processes[].name`, not `processes`.
  return all.filter((v) => !all.some((o) => o !== v && (o.startsWith(v + '.') || o.startsWith(v + '[]')))).sort();
}

/**
 * Whether `name` is something the view provides, judged by what the built-in template reads: the variable
 * itself, or a list/object that contains one (`processes` when `processes[].name` is known).
 */
export function isKnownVariable(name: string, known: readonly string[]): boolean {
  return known.some((k) => k === name || k.startsWith(name + '.') || k.startsWith(name + '[]'));
}
