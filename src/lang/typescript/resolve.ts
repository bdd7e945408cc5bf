// Name resolution shared by every TypeScript/JavaScript extractor. Three questions:
// what string does an expression hold (resolveName), where does a value come from
// (traceOrigin: which library, constructor and factory calls), and who calls a wrapper
// function whose parameter carries the name (nameSites). Never invents a name: what
// cannot be followed comes back as its expression, marked dynamic.
import {
  Node,
  SyntaxKind,
  type BinaryExpression,
  type CallExpression,
  type ClassDeclaration,
  type Identifier,
  type NewExpression,
  type ObjectLiteralExpression,
  type ParameterDeclaration,
  type Project,
  type SourceFile,
  type TypeChecker,
  type TypeNode,
  VariableDeclarationKind,
} from 'ts-morph';
import type { ResolvedName } from '../../model/graph.js';
import { resolveModule, type PathAlias } from './module-paths.js';

/** Where the in-memory project keeps the workspace; paths below it are workspace paths. */
export const VIRTUAL_ROOT = '/workspace/';

/** Following more links than this means a cycle or code too indirect to be worth it. */
const MAX_DEPTH = 24;
const MAX_WRAPPER_DEPTH = 3;

export type OriginStep =
  | { kind: 'member'; name: string }
  | { kind: 'call'; node: CallExpression }
  | { kind: 'new'; node: NewExpression }
  | { kind: 'type'; name: string };

/** A value made from a library: `import { Kafka } from 'kafkajs'` then `new Kafka().producer()`. */
export interface Origin {
  module: string;
  steps: OriginStep[];
  /** Functions of the project the value was returned through, innermost first, with the call. */
  through?: { call: CallExpression; fn: Node }[];
}

/** Steps as tokens for matching: a member name, 'new', '()' or 'type Name'. */
export function originTokens(origin: Origin): string[] {
  return origin.steps.map((step) => {
    switch (step.kind) {
      case 'member':
        return step.name;
      case 'call':
        return '()';
      case 'new':
        return 'new';
      case 'type':
        return `type ${step.name}`;
    }
  });
}

/** The last call or new expression of an origin whose callee is `member`, e.g. 'consumer'. */
export function originCall(
  origin: Origin,
  member: string,
): CallExpression | NewExpression | undefined {
  for (let i = origin.steps.length - 1; i > 0; i -= 1) {
    const step = origin.steps[i];
    const before = origin.steps[i - 1];
    if (step && (step.kind === 'call' || step.kind === 'new') && before?.kind === 'member') {
      if (before.name === member) return step.node;
    }
  }
  return undefined;
}

type Value =
  | { kind: 'origin'; origin: Origin }
  | { kind: 'file'; file: SourceFile }
  | { kind: 'node'; node: Node };

/** A name at a publish site, and the call site of a wrapper when the name came through one. */
export interface NameSite {
  /** One resolved name per expression asked about. */
  names: ResolvedName[];
  /** The expressions as the outermost caller wrote them (a handler passed to a wrapper). */
  expressions: Node[];
  /** The outermost call of the wrapper function that supplied the names. */
  site?: CallExpression;
  /** Every wrapper call followed, innermost first; empty when no caller supplied the names. */
  calls: CallExpression[];
}

export class TsResolver {
  private callsByName: Map<string, CallExpression[]> | undefined;
  // Answers that would otherwise walk a whole file or class again for every publish call,
  // which made a file of thousands of calls quadratic.
  private readonly callSites = new Map<Node, CallExpression[]>();
  private readonly originByDefinition = new Map<Node, Origin | undefined>();
  private readonly assignmentsByFile = new Map<SourceFile, Map<string, BinaryExpression[]>>();
  private readonly thisAssignmentsByClass = new Map<
    ClassDeclaration,
    Map<string, BinaryExpression[]>
  >();

  constructor(
    private readonly project: Project,
    private readonly files: ReadonlyMap<string, SourceFile>,
    private readonly aliases: readonly PathAlias[] = [],
  ) {}

  /** The project's type checker: types of values declared in the scanned files. */
  typeChecker(): TypeChecker {
    return this.project.getTypeChecker();
  }

  /** Workspace path of a loaded file. */
  pathOf(node: Node): string {
    const filePath = node.getSourceFile().getFilePath();
    return filePath.startsWith(VIRTUAL_ROOT) ? filePath.slice(VIRTUAL_ROOT.length) : filePath;
  }

  // ---- names -----------------------------------------------------------------------------

  /**
   * The string an expression at the creation of a library value holds, when it is a parameter
   * of a factory the value came back through: `createQueue('emails')` gives `name` its
   * argument there. Otherwise as resolveName.
   */
  resolveNameThrough(expression: Node, origin: Origin): ResolvedName {
    return this.resolveName(this.boundArgument(expression, origin));
  }

  /** The argument a factory's call passed for a parameter, followed outwards; else itself. */
  private boundArgument(expression: Node, origin: Origin): Node {
    const parameter = this.parameterOf(expression);
    if (!parameter) return expression;
    const fn = parameter.declaration.getParent();
    const through = origin.through ?? [];
    const at = through.findIndex((t) => t.fn === fn);
    const entry = through[at];
    if (!entry) return expression;
    const argument =
      entry.call.getArguments()[parameter.index] ?? parameter.declaration.getInitializer();
    if (!argument) return expression;
    return this.boundArgument(argument, { ...origin, through: through.slice(at + 1) });
  }

  /** The class of `new Orders()` or of a variable holding one, when it is in the project. */
  instanceClassOf(expression: Node): ClassDeclaration | undefined {
    const value = this.evaluate(expression, 0, false);
    if (value?.kind !== 'node' || !Node.isNewExpression(value.node)) return undefined;
    const classValue = this.evaluate(value.node.getExpression(), 1, false);
    return classValue?.kind === 'node' && Node.isClassDeclaration(classValue.node)
      ? classValue.node
      : undefined;
  }

  /** The string an expression holds, or its text marked dynamic. */
  resolveName(expression: Node): ResolvedName {
    const resolved = this.nameOf(expression, 0);
    if (resolved) return resolved;
    const text = expression.getText();
    const partial = Node.isIdentifier(strip(expression))
      ? this.partialTemplate(expression, 0)
      : undefined;
    if (partial !== undefined) {
      return { name: partial, dynamic: true, expression: text };
    }
    return { name: text, dynamic: true, expression: text };
  }

  /**
   * The template a const holds, with its known parts filled in and the rest kept as written:
   * a const holding PREFIX + ':' + id as a template gives `orders:${id}`.
   */
  private partialTemplate(expression: Node, depth: number): string | undefined {
    if (depth > MAX_WRAPPER_DEPTH) return undefined;
    const node = strip(expression);
    if (Node.isIdentifier(node)) {
      const definition = this.definitionOf(node);
      if (!Node.isVariableDeclaration(definition)) return undefined;
      const kind = definition.getVariableStatement()?.getDeclarationKind();
      const initializer = definition.getInitializer();
      if (kind !== VariableDeclarationKind.Const || !initializer) return undefined;
      return this.partialTemplate(initializer, depth + 1);
    }
    if (!Node.isTemplateExpression(node)) return undefined;
    let name = '`' + node.getHead().getLiteralText();
    for (const span of node.getTemplateSpans()) {
      const part = this.nameOf(span.getExpression(), 0);
      name += part && !part.dynamic ? part.name : `\${${span.getExpression().getText()}}`;
      name += span.getLiteral().getLiteralText();
    }
    return name + '`';
  }

  /**
   * Names at a publish site, expanded over the callers when some of them are parameters of
   * the enclosing (wrapper) function: one entry per call site, with the caller's arguments.
   */
  nameSites(expressions: readonly Node[], depth = 0): NameSite[] {
    const parameters = expressions.map((e) => this.parameterOf(e));
    const first = parameters.find((p) => p !== undefined);
    const here = (): NameSite[] => [
      {
        names: expressions.map((e) => this.resolveName(e)),
        expressions: [...expressions],
        calls: [],
      },
    ];
    if (!first || depth >= MAX_WRAPPER_DEPTH) return here();
    const fn = first.declaration.getParentOrThrow();
    const calls = this.callSitesOf(fn);
    if (calls.length === 0) return here();

    return calls.flatMap((call): NameSite[] => {
      const args = expressions.map((expression, i) => {
        const parameter = parameters[i];
        if (!parameter || parameter.declaration.getParent() !== fn) return expression;
        return call.getArguments()[parameter.index] ?? parameter.declaration.getInitializer();
      });
      if (args.some((a) => a === undefined)) return [];
      return this.nameSites(args as Node[], depth + 1).map((inner) => ({
        ...inner,
        site: inner.site ?? call,
        calls: [call, ...inner.calls],
      }));
    });
  }

  private nameOf(input: Node, depth: number): ResolvedName | undefined {
    if (depth > MAX_DEPTH) return undefined;
    const node = strip(input);
    if (Node.isStringLiteral(node) || Node.isNoSubstitutionTemplateLiteral(node)) {
      return { name: node.getLiteralText(), dynamic: false };
    }
    if (Node.isNumericLiteral(node)) return { name: node.getText(), dynamic: false };
    if (Node.isTemplateExpression(node)) return this.templateName(node, depth);

    if (Node.isBinaryExpression(node)) {
      const operator = node.getOperatorToken().getKind();
      if (operator === SyntaxKind.PlusToken) {
        return joinNames(
          this.nameOf(node.getLeft(), depth + 1),
          this.nameOf(node.getRight(), depth + 1),
        );
      }
      if (operator === SyntaxKind.QuestionQuestionToken || operator === SyntaxKind.BarBarToken) {
        const variable = environmentVariable(node.getLeft());
        const fallback = this.nameOf(node.getRight(), depth + 1);
        if (variable === undefined || !fallback || fallback.dynamic) return undefined;
        return {
          name: fallback.name,
          dynamic: false,
          expression: node.getText(),
          override: variable,
        };
      }
      return undefined;
    }
    const variable = environmentVariable(node);
    if (variable !== undefined) {
      return {
        name: node.getText(),
        dynamic: true,
        expression: node.getText(),
        override: variable,
      };
    }

    if (
      Node.isIdentifier(node) ||
      Node.isPropertyAccessExpression(node) ||
      Node.isElementAccessExpression(node)
    ) {
      // `const queue = process.env.QUEUE`: `process` is no value the scan can follow.
      const read = Node.isIdentifier(node) ? this.environmentRead(node) : undefined;
      if (read) return this.nameOf(read, depth + 1);
      const value = this.evaluate(node, depth + 1, true);
      if (value?.kind !== 'node' || value.node === node) return undefined;
      const target = value.node;
      if (Node.isEnumMember(target)) {
        const initializer = target.getInitializer();
        return initializer ? this.nameOf(initializer, depth + 1) : undefined;
      }
      if (Node.isExpression(target)) return this.nameOf(target, depth + 1);
    }
    return undefined;
  }

  /** The initializer of a `const` holding an environment variable, with or without default. */
  private environmentRead(identifier: Identifier): Node | undefined {
    const definition = this.definitionOf(identifier);
    if (!definition || !Node.isVariableDeclaration(definition)) return undefined;
    if (definition.getVariableStatement()?.getDeclarationKind() !== VariableDeclarationKind.Const)
      return undefined;
    const initializer = definition.getInitializer();
    if (!initializer) return undefined;
    const value = strip(initializer);
    const read =
      Node.isBinaryExpression(value) &&
      [SyntaxKind.QuestionQuestionToken, SyntaxKind.BarBarToken].includes(
        value.getOperatorToken().getKind(),
      )
        ? value.getLeft()
        : value;
    return environmentVariable(read) === undefined ? undefined : initializer;
  }

  private templateName(node: Node, depth: number): ResolvedName | undefined {
    if (!Node.isTemplateExpression(node)) return undefined;
    let name = node.getHead().getLiteralText();
    let override: string | undefined;
    for (const span of node.getTemplateSpans()) {
      const part = this.nameOf(span.getExpression(), depth + 1);
      if (!part || part.dynamic) return undefined;
      override ??= part.override;
      name += part.name + span.getLiteral().getLiteralText();
    }
    if (override === undefined) return { name, dynamic: false };
    return { name, dynamic: false, expression: node.getText(), override };
  }

  /** The parameter an expression names, when it is one of the enclosing function's. */
  parameterOf(expression: Node): { declaration: ParameterDeclaration; index: number } | undefined {
    const node = strip(expression);
    if (!Node.isIdentifier(node)) return undefined;
    const declaration = this.definitionOf(node);
    if (!declaration || !Node.isParameterDeclaration(declaration)) return undefined;
    if (!Node.isIdentifier(declaration.getNameNode())) return undefined;
    return { declaration, index: parameterIndex(declaration) };
  }

  // ---- wrapper functions -----------------------------------------------------------------

  /** Calls, among the loaded files, that provably reach this function. */
  callSitesOf(fn: Node): CallExpression[] {
    let sites = this.callSites.get(fn);
    if (!sites) {
      sites = this.findCallSites(fn);
      this.callSites.set(fn, sites);
    }
    return sites;
  }

  private findCallSites(fn: Node): CallExpression[] {
    const name = functionName(fn);
    if (name === undefined) return [];
    const candidates = this.callIndex().get(name) ?? [];
    return candidates.filter((call) => {
      const inside =
        call.getSourceFile() === fn.getSourceFile() &&
        fn.containsRange(call.getPos(), call.getEnd());
      if (inside) return false;
      const callee = this.evaluate(call.getExpression(), 0, false);
      return callee?.kind === 'node' && callee.node === fn;
    });
  }

  private callIndex(): Map<string, CallExpression[]> {
    if (this.callsByName) return this.callsByName;
    const index = new Map<string, CallExpression[]>();
    for (const file of this.files.values()) {
      for (const call of file.getDescendantsOfKind(SyntaxKind.CallExpression)) {
        const callee = call.getExpression();
        const name = Node.isIdentifier(callee)
          ? callee.getText()
          : Node.isPropertyAccessExpression(callee)
            ? callee.getName()
            : undefined;
        if (name === undefined) continue;
        const list = index.get(name) ?? [];
        list.push(call);
        index.set(name, list);
      }
    }
    this.callsByName = index;
    return index;
  }

  // ---- origins ---------------------------------------------------------------------------

  /** The library value an expression holds, with the calls that made it. */
  traceOrigin(expression: Node): Origin | undefined {
    const node = strip(expression);
    // Thousands of `producer.send(...)` name one variable: its origin is followed once.
    const definition = Node.isIdentifier(node) ? this.definitionOf(node) : undefined;
    if (definition && this.originByDefinition.has(definition)) {
      return this.originByDefinition.get(definition);
    }
    const value = this.evaluate(node, 0, false);
    const origin = value?.kind === 'origin' ? value.origin : undefined;
    if (definition) this.originByDefinition.set(definition, origin);
    return origin;
  }

  /** The function an expression refers to (a handler argument), if it is one in the project. */
  functionOf(expression: Node): Node | undefined {
    const node = strip(expression);
    if (isFunctionLike(node)) return node;
    // `this.handle.bind(this)` is the method itself.
    if (Node.isCallExpression(node)) {
      const callee = node.getExpression();
      if (Node.isPropertyAccessExpression(callee) && callee.getName() === 'bind') {
        return this.functionOf(callee.getExpression());
      }
      return undefined;
    }
    const value = this.evaluate(node, 0, false);
    return value?.kind === 'node' && isFunctionLike(value.node) ? value.node : undefined;
  }

  /**
   * Properties of an object literal, following constants, as name -> value expression. With
   * an origin, a parameter of a factory the value came through stands for its argument there.
   */
  objectProperties(expression: Node | undefined, origin?: Origin): Map<string, Node> {
    const properties = new Map<string, Node>();
    if (!expression) return properties;
    const node = strip(origin ? this.boundArgument(expression, origin) : expression);
    let value = Node.isObjectLiteralExpression(node)
      ? { kind: 'node' as const, node }
      : this.evaluate(node, 0, true);
    // `require('./config')`: the object a CommonJS module exports.
    if (value?.kind === 'file') value = this.exportedValue(value.file, 'default', 1, true);
    if (value?.kind !== 'node' || !Node.isObjectLiteralExpression(value.node)) return properties;
    for (const property of value.node.getProperties()) {
      if (Node.isPropertyAssignment(property)) {
        const key = propertyKey(property.getNameNode());
        const initializer = property.getInitializer();
        if (key !== undefined && initializer) properties.set(key, initializer);
      } else if (Node.isShorthandPropertyAssignment(property)) {
        properties.set(property.getName(), property.getNameNode());
      } else if (Node.isMethodDeclaration(property)) {
        properties.set(property.getName(), property);
      } else if (Node.isSpreadAssignment(property)) {
        for (const [key, inner] of this.objectProperties(property.getExpression(), origin))
          properties.set(key, inner);
      }
    }
    return properties;
  }

  /** A literal number, boolean or string an expression holds, following constants. */
  literalOf(expression: Node | undefined): string | number | boolean | undefined {
    if (!expression) return undefined;
    const node = this.constantNode(expression);
    if (Node.isNumericLiteral(node)) return node.getLiteralValue();
    if (Node.isPrefixUnaryExpression(node) && node.getOperatorToken() === SyntaxKind.MinusToken) {
      const operand = node.getOperand();
      if (Node.isNumericLiteral(operand)) return -operand.getLiteralValue();
    }
    if (Node.isTrueLiteral(node)) return true;
    if (Node.isFalseLiteral(node)) return false;
    if (
      Node.isBinaryExpression(node) &&
      node.getOperatorToken().getKind() === SyntaxKind.AsteriskToken
    ) {
      const left = this.literalOf(node.getLeft());
      const right = this.literalOf(node.getRight());
      if (typeof left === 'number' && typeof right === 'number') return left * right;
      return undefined;
    }
    const name = this.nameOf(node, 0);
    return name && !name.dynamic ? name.name : undefined;
  }

  /** An expression with constants followed to their initializer. */
  constantNode(expression: Node): Node {
    const node = strip(expression);
    if (!Node.isIdentifier(node) && !Node.isPropertyAccessExpression(node)) return node;
    const value = this.evaluate(node, 0, true);
    return value?.kind === 'node' ? strip(value.node) : node;
  }

  /**
   * Reduces an expression to what it holds: a library origin, a module, or a node of the
   * project that cannot be reduced further (object literal, function, class, literal).
   * `constants` restricts variables to `const` ones, as names must be.
   */
  private evaluate(expression: Node, depth: number, constants: boolean): Value | undefined {
    if (depth > MAX_DEPTH) return undefined;
    const node = strip(expression);

    if (Node.isIdentifier(node)) {
      const definition = this.definitionOf(node);
      return definition ? this.fromDefinition(definition, depth + 1, constants) : undefined;
    }
    if (Node.isPropertyAccessExpression(node) || Node.isElementAccessExpression(node)) {
      const key = Node.isPropertyAccessExpression(node)
        ? node.getName()
        : this.memberKey(node.getArgumentExpression());
      if (key === undefined) return undefined;
      const object = strip(node.getExpression());
      if (object.getKind() === SyntaxKind.ThisKeyword)
        return this.thisMember(object, key, depth + 1);
      const value = this.evaluate(object, depth + 1, constants);
      return value ? this.memberOf(value, key, depth + 1, constants) : undefined;
    }
    if (Node.isCallExpression(node)) return this.evaluateCall(node, depth, constants);
    if (Node.isNewExpression(node)) {
      const callee = this.evaluate(node.getExpression(), depth + 1, constants);
      if (callee?.kind === 'origin') return withStep(callee.origin, { kind: 'new', node });
      // `class Store extends Redis`: an instance of the project's class is one of the library's.
      if (callee?.kind === 'node' && Node.isClassDeclaration(callee.node)) {
        const base = this.libraryBaseOf(callee.node, depth + 1);
        if (base) return withStep(base, { kind: 'new', node });
      }
      return { kind: 'node', node };
    }
    if (Node.isBinaryExpression(node) && !constants) {
      const operator = node.getOperatorToken().getKind();
      // `this.client ?? (this.client = new Redis())`: a lazily made value.
      if (operator === SyntaxKind.EqualsToken)
        return this.evaluate(node.getRight(), depth + 1, false);
      if (operator === SyntaxKind.BarBarToken || operator === SyntaxKind.QuestionQuestionToken) {
        const left = this.evaluate(node.getLeft(), depth + 1, false);
        if (left?.kind === 'origin') return left;
        return this.evaluate(node.getRight(), depth + 1, false);
      }
    }
    // `new this()` in a static member is the class itself.
    if (node.getKind() === SyntaxKind.ThisKeyword) {
      const member = node.getFirstAncestor(
        (a) => Node.isMethodDeclaration(a) || Node.isGetAccessorDeclaration(a),
      );
      const owner = member?.getParent();
      if (member && owner && Node.isClassDeclaration(owner) && 'isStatic' in member) {
        if (member.isStatic()) return { kind: 'node', node: owner };
      }
    }
    return { kind: 'node', node };
  }

  /** The library value a class of the project extends, through its base classes. */
  private libraryBaseOf(owner: ClassDeclaration, depth: number): Origin | undefined {
    if (depth > MAX_DEPTH) return undefined;
    const base = owner.getExtends()?.getExpression();
    const value = base ? this.evaluate(base, depth + 1, false) : undefined;
    if (value?.kind === 'origin') return value.origin;
    if (value?.kind === 'node' && Node.isClassDeclaration(value.node)) {
      return this.libraryBaseOf(value.node, depth + 1);
    }
    return undefined;
  }

  private evaluateCall(node: CallExpression, depth: number, constants: boolean): Value | undefined {
    const callee = strip(node.getExpression());
    const first = node.getArguments()[0];
    if (
      Node.isIdentifier(callee) &&
      callee.getText() === 'require' &&
      first &&
      isStringLike(first)
    ) {
      return this.moduleValue(node.getSourceFile(), first.getLiteralText());
    }
    if (Node.isImportExpression(callee) && first && isStringLike(first)) {
      return this.moduleValue(node.getSourceFile(), first.getLiteralText());
    }
    const value = this.evaluate(callee, depth + 1, constants);
    if (value?.kind === 'origin') return withStep(value.origin, { kind: 'call', node });
    // A factory of the project (`export function createProducer() { return kafka.producer() }`).
    if (value?.kind === 'node' && isFunctionLike(value.node)) {
      const returned = returnedExpression(value.node);
      const result = returned ? this.evaluate(returned, depth + 1, constants) : undefined;
      if (result?.kind !== 'origin') return result;
      const through = [...(result.origin.through ?? []), { call: node, fn: value.node }];
      return { kind: 'origin', origin: { ...result.origin, through } };
    }
    return undefined;
  }

  private memberKey(argument: Node | undefined): string | undefined {
    if (!argument) return undefined;
    const name = this.nameOf(argument, 0);
    return name && !name.dynamic ? name.name : undefined;
  }

  private memberOf(
    value: Value,
    key: string,
    depth: number,
    constants: boolean,
  ): Value | undefined {
    if (value.kind === 'origin') return withStep(value.origin, { kind: 'member', name: key });
    if (value.kind === 'file') return this.exportedValue(value.file, key, depth + 1, constants);

    const container = value.node;
    if (Node.isObjectLiteralExpression(container)) {
      return this.objectMember(container, key, depth + 1, constants);
    }
    if (Node.isEnumDeclaration(container)) {
      // A member may be named by a string literal: `'user_created' = 'user_created'`.
      const member =
        container.getMember(key) ??
        container.getMembers().find((m) => propertyKey(m.getNameNode()) === key);
      return member ? { kind: 'node', node: member } : undefined;
    }
    if (Node.isClassDeclaration(container)) {
      const property = container.getStaticProperty(key);
      if (property && Node.isPropertyDeclaration(property)) {
        const initializer = property.getInitializer();
        return initializer ? this.evaluate(initializer, depth + 1, constants) : undefined;
      }
      const method = container.getStaticMethod(key);
      if (method) return { kind: 'node', node: method };
      // A static getter, often a lazily made client: the first return that gives a value.
      const getter = container.getGetAccessor(key);
      if (!getter?.isStatic()) return undefined;
      let value: Value | undefined;
      for (const returned of ownReturns(getter)) {
        value = this.evaluate(returned, depth + 1, constants);
        if (value?.kind === 'origin') return value;
      }
      return value;
    }
    // An instance of a class of the project: `new OrderEvents().publish`.
    if (Node.isNewExpression(container)) {
      const classValue = this.evaluate(container.getExpression(), depth + 1, constants);
      if (classValue?.kind === 'node' && Node.isClassDeclaration(classValue.node)) {
        return this.instanceMember(classValue.node, key, depth + 1);
      }
    }
    return undefined;
  }

  private objectMember(
    object: ObjectLiteralExpression,
    key: string,
    depth: number,
    constants: boolean,
  ): Value | undefined {
    const property = object.getProperty(key);
    if (!property) return undefined;
    if (Node.isPropertyAssignment(property)) {
      const initializer = property.getInitializer();
      return initializer ? this.evaluate(initializer, depth + 1, constants) : undefined;
    }
    if (Node.isShorthandPropertyAssignment(property)) {
      return this.evaluate(property.getNameNode(), depth + 1, constants);
    }
    if (Node.isMethodDeclaration(property)) return { kind: 'node', node: property };
    return undefined;
  }

  /** `this.key` inside a class: a method, a field initializer or an assignment to the field. */
  private thisMember(thisNode: Node, key: string, depth: number): Value | undefined {
    const owner = thisNode.getFirstAncestor(
      (a) => Node.isClassDeclaration(a) || Node.isClassExpression(a),
    );
    if (!owner || !Node.isClassDeclaration(owner)) return undefined;
    const self = this.evaluate(thisNode, depth + 1, false);
    if (self?.kind === 'node' && self.node === owner) {
      return this.memberOf(self, key, depth + 1, false);
    }
    return this.instanceMember(owner, key, depth);
  }

  private instanceMember(owner: ClassDeclaration, key: string, depth: number): Value | undefined {
    if (depth > MAX_DEPTH) return undefined;
    const method = owner.getInstanceMethod(key);
    if (method) return { kind: 'node', node: method };
    // A method inherited from a base class of the project: `class Sub extends Base`.
    if (!owner.getInstanceMember(key)) {
      const base = this.baseClassOf(owner, depth + 1);
      const inherited = base ? this.instanceMember(base, key, depth + 1) : undefined;
      if (inherited) return inherited;
    }

    const property = owner.getInstanceProperty(key);
    let initial: Value | undefined;
    if (property && Node.isPropertyDeclaration(property)) {
      const initializer = property.getInitializer();
      initial = initializer ? this.evaluate(initializer, depth + 1, false) : undefined;
      // `private client: Redis | null = null` is assigned its value later.
      if (initial && !isNullish(initializer)) return initial;
    }
    for (const assignment of this.thisAssignments(owner).get(key) ?? []) {
      const value = this.evaluate(assignment.getRight(), depth + 1, false);
      if (value && !isNullish(assignment.getRight())) return value;
    }
    if (initial?.kind === 'origin') return initial;

    // Injected clients: `constructor(private readonly producer: Producer)` or a typed field.
    const typed =
      property && (Node.isPropertyDeclaration(property) || Node.isParameterDeclaration(property))
        ? property.getTypeNode()
        : undefined;
    return typed ? this.typeValue(typed) : undefined;
  }

  /** The class a class extends, when it is one of the project's. */
  baseClassOf(owner: ClassDeclaration, depth = 0): ClassDeclaration | undefined {
    const base = owner.getExtends()?.getExpression();
    const value = base ? this.evaluate(base, depth + 1, false) : undefined;
    return value?.kind === 'node' && Node.isClassDeclaration(value.node) ? value.node : undefined;
  }

  private typeValue(typeNode: TypeNode): Value | undefined {
    if (Node.isUnionTypeNode(typeNode)) {
      for (const member of typeNode.getTypeNodes()) {
        const value = this.typeValue(member);
        if (value) return value;
      }
      return undefined;
    }
    if (!Node.isTypeReference(typeNode)) return undefined;
    const typeName = typeNode.getTypeName();
    if (Node.isIdentifier(typeName)) {
      const definition = this.definitionOf(typeName);
      const value = definition ? this.fromDefinition(definition, 1, false) : undefined;
      if (value?.kind !== 'origin') return undefined;
      const steps = value.origin.steps.filter((s) => s.kind !== 'member');
      return {
        kind: 'origin',
        origin: {
          module: value.origin.module,
          steps: [...steps, { kind: 'type', name: typeName.getText() }],
        },
      };
    }
    const left = typeName.getLeft();
    if (!Node.isIdentifier(left)) return undefined;
    const definition = this.definitionOf(left);
    const value = definition ? this.fromDefinition(definition, 1, false) : undefined;
    if (value?.kind !== 'origin' || value.origin.steps.length > 0) return undefined;
    const name = typeName.getRight().getText();
    return {
      kind: 'origin',
      origin: { module: value.origin.module, steps: [{ kind: 'type', name }] },
    };
  }

  private fromDefinition(definition: Node, depth: number, constants: boolean): Value | undefined {
    if (depth > MAX_DEPTH) return undefined;
    const file = definition.getSourceFile();

    if (Node.isImportSpecifier(definition)) {
      const specifier = definition.getImportDeclaration().getModuleSpecifierValue();
      const module = this.moduleValue(file, specifier);
      const imported = definition.getAliasNode()
        ? definition.getNameNode().getText()
        : definition.getName();
      return module ? this.memberOf(module, imported, depth + 1, constants) : undefined;
    }
    if (Node.isImportClause(definition)) {
      const declaration = definition.getFirstAncestorByKind(SyntaxKind.ImportDeclaration);
      if (!declaration) return undefined;
      const module = this.moduleValue(file, declaration.getModuleSpecifierValue());
      // A CommonJS library's default import is the module itself.
      if (module?.kind === 'file')
        return this.exportedValue(module.file, 'default', depth + 1, constants);
      return module;
    }
    if (Node.isNamespaceImport(definition)) {
      const declaration = definition.getFirstAncestorByKind(SyntaxKind.ImportDeclaration);
      return declaration
        ? this.moduleValue(file, declaration.getModuleSpecifierValue())
        : undefined;
    }
    if (Node.isVariableDeclaration(definition))
      return this.variableValue(definition, depth, constants);
    if (Node.isBindingElement(definition)) {
      const pattern = definition.getParent();
      const declaration = pattern.getParent();
      if (!Node.isObjectBindingPattern(pattern) || !Node.isVariableDeclaration(declaration))
        return undefined;
      const initializer = declaration.getInitializer();
      if (!initializer) return undefined;
      const source = this.evaluate(initializer, depth + 1, constants);
      const key = definition.getPropertyNameNode()?.getText() ?? definition.getName();
      return source ? this.memberOf(source, key, depth + 1, constants) : undefined;
    }
    if (Node.isParameterDeclaration(definition)) return this.parameterValue(definition, depth);
    if (Node.isPropertyDeclaration(definition) || Node.isPropertyAssignment(definition)) {
      const initializer = definition.getInitializer();
      return initializer ? this.evaluate(initializer, depth + 1, constants) : undefined;
    }
    if (Node.isShorthandPropertyAssignment(definition)) {
      return this.evaluate(definition.getNameNode(), depth + 1, constants);
    }
    if (Node.isExportAssignment(definition)) {
      return this.evaluate(definition.getExpression(), depth + 1, constants);
    }
    if (Node.isSourceFile(definition)) return { kind: 'file', file: definition };
    if (Node.isExpression(definition)) return this.evaluate(definition, depth + 1, constants);
    return { kind: 'node', node: definition };
  }

  private variableValue(definition: Node, depth: number, constants: boolean): Value | undefined {
    if (!Node.isVariableDeclaration(definition)) return undefined;
    const isConst =
      definition.getVariableStatement()?.getDeclarationKind() === VariableDeclarationKind.Const;
    if (constants && !isConst) return undefined;
    const initializer = definition.getInitializer();
    if (initializer && !isEmptyValue(initializer))
      return this.evaluate(initializer, depth + 1, constants);

    // `let producer; ... producer = kafka.producer()`: the first assignment in the file; a
    // lazy singleton starts as `let boss: PgBoss | null = null`.
    const name = definition.getName();
    for (const assignment of this.assignments(definition.getSourceFile()).get(name) ?? []) {
      const left = assignment.getLeft();
      if (!Node.isIdentifier(left) || this.definitionOf(left) !== definition) continue;
      return this.evaluate(assignment.getRight(), depth + 1, false);
    }
    const typeNode = definition.getTypeNode();
    return typeNode ? this.typeValue(typeNode) : undefined;
  }

  /** A callback's parameter holds the result of the call it was passed to. */
  private parameterValue(parameter: ParameterDeclaration, depth: number): Value | undefined {
    const fn = parameter.getParent();
    const call = fn.getParent();
    const index = parameterIndex(parameter);
    if (Node.isCallExpression(call) && isFunctionLike(fn) && call.getArguments().includes(fn)) {
      const callee = call.getExpression();
      // `connect(url).then((connection) => ...)` holds what the promise resolves to.
      if (Node.isPropertyAccessExpression(callee) && callee.getName() === 'then' && index === 0) {
        return this.evaluate(callee.getExpression(), depth + 1, false);
      }
      // Node-style callbacks `(err, channel) => ...` receive the result second.
      const errorFirst = /^err(or)?$/i.test(parameter.getName());
      if (!errorFirst && index <= 1) {
        const value = this.evaluate(call, depth + 1, false);
        if (value) return value;
      }
    }
    const typeNode = parameter.getTypeNode();
    const typed = typeNode ? this.typeValue(typeNode) : undefined;
    return typed ?? { kind: 'node', node: parameter };
  }

  private exportedValue(
    file: SourceFile,
    name: string,
    depth: number,
    constants: boolean,
  ): Value | undefined {
    const declaration = file.getExportedDeclarations().get(name)?.[0];
    // In JavaScript the binder declares `exports.name = value` by its left side.
    const assignment = declaration?.getParent();
    if (
      declaration &&
      Node.isBinaryExpression(assignment) &&
      assignment.getLeft() === declaration
    ) {
      return this.evaluate(assignment.getRight(), depth + 1, constants);
    }
    if (declaration) return this.fromDefinition(declaration, depth + 1, constants);

    // CommonJS: `module.exports = { producer }`, `exports.producer = ...`.
    const assigned = this.assignments(file);
    const exports = [
      ...(assigned.get('module.exports') ?? []),
      ...(assigned.get(`module.exports.${name}`) ?? []),
      ...(assigned.get(`exports.${name}`) ?? []),
    ].sort((a, b) => a.getPos() - b.getPos());
    for (const assignment of exports) {
      const left = assignment.getLeft().getText();
      if (left === 'module.exports') {
        const value = this.evaluate(assignment.getRight(), depth + 1, constants);
        if (name === 'default' || !value) return value;
        return this.memberOf(value, name, depth + 1, constants);
      }
      if (left === `module.exports.${name}` || left === `exports.${name}`) {
        return this.evaluate(assignment.getRight(), depth + 1, constants);
      }
    }
    return undefined;
  }

  private moduleValue(from: SourceFile, specifier: string): Value | undefined {
    const exists = (p: string) => this.files.has(p);
    const target = resolveModule(this.pathOf(from), specifier, exists, this.aliases);
    const file = target === undefined ? undefined : this.files.get(target);
    if (file) return { kind: 'file', file };
    if (!specifier.startsWith('.'))
      return { kind: 'origin', origin: { module: specifier, steps: [] } };
    return undefined;
  }

  /** Every `left = right` of a file by the text of its left side, in source order. */
  private assignments(file: SourceFile): Map<string, BinaryExpression[]> {
    let byLeft = this.assignmentsByFile.get(file);
    if (!byLeft) {
      byLeft = assignmentsIn(file, (left) => left.getText());
      this.assignmentsByFile.set(file, byLeft);
    }
    return byLeft;
  }

  /** Every `this.key = value` inside a class by key, in source order. */
  private thisAssignments(owner: ClassDeclaration): Map<string, BinaryExpression[]> {
    let byKey = this.thisAssignmentsByClass.get(owner);
    if (!byKey) {
      byKey = assignmentsIn(owner, (left) =>
        Node.isPropertyAccessExpression(left) &&
        left.getExpression().getKind() === SyntaxKind.ThisKeyword
          ? left.getName()
          : undefined,
      );
      this.thisAssignmentsByClass.set(owner, byKey);
    }
    return byKey;
  }

  /** The declaration an identifier refers to, as the binder sees it. */
  definitionOf(identifier: Identifier): Node | undefined {
    const parent = identifier.getParent();
    const symbol =
      Node.isShorthandPropertyAssignment(parent) && parent.getNameNode() === identifier
        ? this.project.getTypeChecker().getShorthandAssignmentValueSymbol(parent)
        : identifier.getSymbol();
    return symbol?.getDeclarations()[0];
  }
}

// ---- helpers ---------------------------------------------------------------------------

/** Plain assignments (`=`) under a node, grouped by a key of their left side. */
function assignmentsIn(
  root: Node,
  keyOf: (left: Node) => string | undefined,
): Map<string, BinaryExpression[]> {
  const byKey = new Map<string, BinaryExpression[]>();
  for (const assignment of root.getDescendantsOfKind(SyntaxKind.BinaryExpression)) {
    if (assignment.getOperatorToken().getKind() !== SyntaxKind.EqualsToken) continue;
    const key = keyOf(assignment.getLeft());
    if (key === undefined) continue;
    const list = byKey.get(key) ?? [];
    list.push(assignment);
    byKey.set(key, list);
  }
  return byKey;
}

/** Removes what does not change a value: parentheses, await, type assertions. */
export function strip(node: Node): Node {
  let current = node;
  for (;;) {
    if (
      Node.isParenthesizedExpression(current) ||
      Node.isAwaitExpression(current) ||
      Node.isAsExpression(current) ||
      Node.isTypeAssertion(current) ||
      Node.isNonNullExpression(current) ||
      Node.isSatisfiesExpression(current)
    ) {
      current = current.getExpression();
      continue;
    }
    return current;
  }
}

/** `null` or `undefined`: a variable that holds nothing yet. */
function isEmptyValue(node: Node): boolean {
  const value = strip(node);
  return Node.isNullLiteral(value) || (Node.isIdentifier(value) && value.getText() === 'undefined');
}

export function isFunctionLike(node: Node): boolean {
  return (
    Node.isFunctionDeclaration(node) ||
    Node.isFunctionExpression(node) ||
    Node.isArrowFunction(node) ||
    Node.isMethodDeclaration(node)
  );
}

/** The name a function is called by: its own, or the variable or property holding it. */
export function functionName(fn: Node): string | undefined {
  if (Node.isFunctionDeclaration(fn) || Node.isMethodDeclaration(fn)) return fn.getName();
  const parent = fn.getParent();
  if (
    Node.isVariableDeclaration(parent) ||
    Node.isPropertyAssignment(parent) ||
    Node.isPropertyDeclaration(parent)
  )
    return parent.getName();
  if (Node.isFunctionExpression(fn)) return fn.getName();
  return undefined;
}

/** The expressions a function's own return statements give, in source order. */
function ownReturns(fn: Node): Node[] {
  return fn
    .getDescendantsOfKind(SyntaxKind.ReturnStatement)
    .filter(
      (r) =>
        r.getFirstAncestor(isFunctionLike) === fn ||
        r.getFirstAncestor(isFunctionLike) === undefined,
    )
    .flatMap((r) => r.getExpression() ?? []);
}

function returnedExpression(fn: Node): Node | undefined {
  if (Node.isArrowFunction(fn)) {
    const body = fn.getBody();
    if (!Node.isBlock(body)) return body;
  }
  // The function's own return, not one of a callback or method defined inside it.
  const statement = fn
    .getDescendantsOfKind(SyntaxKind.ReturnStatement)
    .find((r) => r.getExpression() && r.getFirstAncestor(isFunctionLike) === fn);
  return statement?.getExpression();
}

function isNullish(node: Node | undefined): boolean {
  if (!node) return false;
  const kind = strip(node).getKind();
  return kind === SyntaxKind.NullKeyword || strip(node).getText() === 'undefined';
}

function withStep(origin: Origin, step: OriginStep): Value {
  return { kind: 'origin', origin: { ...origin, steps: [...origin.steps, step] } };
}

function parameterIndex(parameter: ParameterDeclaration): number {
  const fn = parameter.getParent();
  return 'getParameters' in fn ? fn.getParameters().indexOf(parameter) : -1;
}

function isStringLike(node: Node): node is Node & { getLiteralText(): string } {
  return Node.isStringLiteral(node) || Node.isNoSubstitutionTemplateLiteral(node);
}

function propertyKey(name: Node): string | undefined {
  if (Node.isIdentifier(name) || Node.isPrivateIdentifier(name)) return name.getText();
  if (Node.isStringLiteral(name) || Node.isNoSubstitutionTemplateLiteral(name))
    return name.getLiteralText();
  if (Node.isNumericLiteral(name)) return name.getText();
  return undefined;
}

/** 'X' for `process.env.X` or `process.env['X']`. */
function environmentVariable(expression: Node): string | undefined {
  const node = strip(expression);
  if (!Node.isPropertyAccessExpression(node) && !Node.isElementAccessExpression(node))
    return undefined;
  if (node.getExpression().getText() !== 'process.env') return undefined;
  if (Node.isPropertyAccessExpression(node)) return node.getName();
  const argument = node.getArgumentExpression();
  return argument && isStringLike(argument) ? argument.getLiteralText() : undefined;
}

function joinNames(
  left: ResolvedName | undefined,
  right: ResolvedName | undefined,
): ResolvedName | undefined {
  if (!left || !right || left.dynamic || right.dynamic) return undefined;
  const override = left.override ?? right.override;
  return override === undefined
    ? { name: left.name + right.name, dynamic: false }
    : { name: left.name + right.name, dynamic: false, override };
}
