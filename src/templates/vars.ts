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
/**
 * The data variables an override may read: `@root` (checked like a path) and the loop's own `@index`, `@key`,
 * `@first`, `@last`. Any other (`@_parent.root.x`, `@partial-block`, `@level`) reaches the view past the check.
 */
const DATA_VARIABLES = new Set(['root', 'index', 'key', 'first', 'last']);

/** Scopes from the innermost out: the path prefix that `this` stands for, and block parameter names. */
interface Scope {
  prefix: string;
  /** Block parameters: the path each stands for, or null for `each`'s second one (the index or key, not a variable). */
  params: Map<string, string | null>;
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
    // `@root.x` reads `x` from the view root, whatever the scope; `@root` alone is the whole view.
    if (p.data && p.parts[0] === 'root') return p.parts.length > 1 ? p.parts.slice(1).join('.') : '@root';
    if (p.data) return null; // @index, @first, @key...
    const scope = scopes[Math.max(0, scopes.length - 1 - p.depth)]!;
    const [head, ...rest] = p.parts;
    if (head !== undefined && p.depth === 0) {
      for (let i = scopes.length - 1; i >= 0; i--) {
        const bound = scopes[i]!.params.get(head);
        // `as |item i|`: `i` is the index or key; a path below it (`i.length`) is no variable of the view.
        if (bound === null) return rest.length ? p.parts.join('.') : null;
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
    let args = helper ? n.params.map((p) => use(p, scopes)) : [use(n.path, scopes)];
    // `lookup obj "name"` reads obj.name: a literal name is checked like a path.
    if (helper && head.parts[0] === 'lookup' && args[0] !== null && n.params[1]?.type === 'StringLiteral') {
      const lit = (n.params[1] as unknown as { value: string }).value;
      const name = join(args[0] ?? '', lit);
      uses.push({ name, line: n.params[1].loc?.start.line ?? 1, col: (n.params[1].loc?.start.column ?? 0) + 1 });
      args = [name];
    }
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
    if (inner && name === 'each' && bp[1] !== undefined) inner.params.set(bp[1], null);
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

export interface TemplateProblem {
  message: string;
  line: number;
  col: number;
}

/**
 * Constructs an override may not use, because the variable check cannot follow them or they act outside the
 * output: partials and partial blocks (`{{> name}}`: none are registered, and their variables are not checked),
 * inline partials and other decorators (`{{#*inline}}`), helpers other than the built-in ones, `lookup` with a
 * computed name, and `{{log}}` (deployspec prints nothing from a template); data variables other than `@root`,
 * `@index`, `@key`, `@first`, `@last` (`@_parent.root.x` reads any path); `each`, `with` and `lookup` on anything
 * but a variable (a literal or a subexpression, whose contents the check cannot follow); name=value arguments to a
 * name that is not a helper.
 */
export function templateProblems(source: string): TemplateProblem[] {
  const ast = Handlebars.parse(source) as unknown as ProgramNode;
  const out: TemplateProblem[] = [];
  const at = (n: Node) => ({ line: n.loc?.start.line ?? 1, col: (n.loc?.start.column ?? 0) + 1 });
  const walk = (n: unknown): void => {
    if (Array.isArray(n)) {
      for (const x of n) walk(x);
      return;
    }
    if (typeof n !== 'object' || n === null) return;
    const node = n as Node & Record<string, unknown>;
    switch (node.type) {
      case 'PathExpression': {
        const p = node as unknown as PathNode;
        if (p.data && !DATA_VARIABLES.has(p.parts[0] ?? '')) out.push({ message: `{{${p.original}}} is not available in template overrides: only @root, @index, @key, @first and @last are`, ...at(node) });
        break;
      }
      case 'PartialStatement':
      case 'PartialBlockStatement':
        out.push({ message: 'partials ({{> name}}) are not available in template overrides', ...at(node) });
        break;
      case 'Decorator':
      case 'DecoratorBlock':
        out.push({ message: 'inline partials and decorators ({{#*inline}}) are not available in template overrides', ...at(node) });
        break;
      case 'MustacheStatement':
      case 'BlockStatement':
      case 'SubExpression': {
        const head = node.path as PathNode;
        const params = (node.params as Node[] | undefined) ?? [];
        const isCall = head.type === 'PathExpression' && (params.length > 0 || node.type !== 'MustacheStatement' || node.hash !== undefined);
        const name = head.type === 'PathExpression' && head.parts.length === 1 && head.depth === 0 && !head.data ? head.parts[0]! : null;
        const subject = params[0] as (Node & Partial<PathNode>) | undefined;
        const subjectIsPath = subject?.type === 'PathExpression' && (!subject.data || subject.parts?.[0] === 'root');
        if (name === 'log') out.push({ message: '{{log}} is not available in template overrides', ...at(node) });
        else if (node.hash !== undefined && (name === null || !BUILTIN_HELPERS.has(name))) {
          out.push({ message: `{{${head.original ?? '?'}}} is not a helper and takes no name=value arguments`, ...at(node) });
        } else if ((name === 'each' || name === 'with' || name === 'lookup') && subject !== undefined && !subjectIsPath) {
          // A literal or a subexpression as the context (or lookup's object) reads what the check cannot follow.
          out.push({ message: `${name} takes a variable here (a literal or a subexpression cannot be checked): write {{${node.type === 'BlockStatement' ? '#' : ''}${name} <variable>${name === 'lookup' ? ' "name"' : ''}}}`, ...at(node) });
        } else if (isCall && (node.type === 'SubExpression' || params.length > 0) && (name === null || !BUILTIN_HELPERS.has(name))) {
          out.push({ message: `{{${head.original ?? '?'}}} is not a helper: only ${[...BUILTIN_HELPERS].filter((h) => h !== 'log').join(', ')} are available`, ...at(node) });
        } else if (name === 'lookup' && params[1] !== undefined && params[1].type !== 'StringLiteral' && params[1].type !== 'NumberLiteral') {
          out.push({ message: 'lookup with a computed name reads variables that cannot be checked; write the name as a string', ...at(node) });
        }
        break;
      }
    }
    for (const [k, v] of Object.entries(node)) if (k !== 'loc' && typeof v === 'object') walk(v);
  };
  walk(ast);
  return out;
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
