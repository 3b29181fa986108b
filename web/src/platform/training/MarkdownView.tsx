import { Fragment, type ReactNode } from 'react';
import { parseMarkdown, type Align, type Block, type Inline } from './markdown.ts';

/**
 * Markdown as React elements, from the tree of markdown.ts: only these elements and attributes are ever
 * produced, every text goes through React's escaping, and link targets were filtered by safeHref. No HTML
 * string is built, so nothing here needs dangerouslySetInnerHTML.
 */
export interface LinkProps {
  href: string;
  external: boolean;
  children: ReactNode;
}

export type RenderLink = (props: LinkProps) => ReactNode;

function DefaultLink({ href, external, children }: LinkProps) {
  return external ? (
    <a href={href} rel="noopener noreferrer">
      {children}
      <span className="visually-hidden"> (site externe)</span>
    </a>
  ) : (
    <a href={href}>{children}</a>
  );
}

export function MarkdownView({
  source,
  blocks,
  renderLink = DefaultLink,
}: {
  source?: string;
  /** Already parsed (the guide page also reads its headings for the contents). */
  blocks?: Block[];
  renderLink?: RenderLink;
}) {
  const tree = blocks ?? parseMarkdown(source ?? '');
  return <>{renderBlocks(tree, renderLink)}</>;
}

function renderBlocks(blocks: readonly Block[], link: RenderLink): ReactNode[] {
  return blocks.map((block, key) => renderBlock(block, key, link));
}

function renderBlock(block: Block, key: number, link: RenderLink): ReactNode {
  switch (block.type) {
    case 'heading': {
      const Heading = `h${block.level}` as const;
      return (
        <Heading key={key} id={block.id}>
          {renderInline(block.children, link)}
        </Heading>
      );
    }
    case 'paragraph':
      return <p key={key}>{renderInline(block.children, link)}</p>;
    case 'list': {
      const items = block.items.map((item, i) => (
        <li key={i}>
          {block.tight
            ? // A tight list item's text sits in the item itself, without a paragraph around it.
              item.map((child, j) =>
                child.type === 'paragraph' ? (
                  <Fragment key={j}>{renderInline(child.children, link)}</Fragment>
                ) : (
                  renderBlock(child, j, link)
                ),
              )
            : renderBlocks(item, link)}
        </li>
      ));
      return block.ordered ? (
        <ol key={key} start={block.start === 1 ? undefined : block.start}>
          {items}
        </ol>
      ) : (
        <ul key={key}>{items}</ul>
      );
    }
    case 'quote':
      return <blockquote key={key}>{renderBlocks(block.children, link)}</blockquote>;
    case 'code':
      return (
        <pre key={key} className="md-code">
          <code>{block.text}</code>
        </pre>
      );
    case 'rule':
      return <hr key={key} />;
    case 'table':
      return (
        <table key={key} className="table md-table">
          <thead>
            <tr>
              {block.header.map((cell, c) => (
                <th key={c} scope="col" className={alignClass(block.align[c])}>
                  {renderInline(cell, link)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {block.rows.map((row, r) => (
              <tr key={r}>
                {row.map((cell, c) => (
                  <td key={c} className={alignClass(block.align[c])}>
                    {renderInline(cell, link)}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      );
  }
}

function alignClass(align: Align | undefined) {
  return align ? `md-align-${align}` : undefined;
}

function renderInline(nodes: readonly Inline[], link: RenderLink): ReactNode[] {
  return nodes.map((node, key) => {
    switch (node.type) {
      case 'text':
        return node.text;
      case 'strong':
        return <strong key={key}>{renderInline(node.children, link)}</strong>;
      case 'em':
        return <em key={key}>{renderInline(node.children, link)}</em>;
      case 'code':
        return <code key={key}>{node.text}</code>;
      case 'break':
        return <br key={key} />;
      case 'link':
        return (
          <LinkSlot key={key} render={link} href={node.href} external={node.external}>
            {renderInline(node.children, link)}
          </LinkSlot>
        );
    }
  });
}

function LinkSlot({ render, ...props }: LinkProps & { render: RenderLink }) {
  return <>{render(props)}</>;
}
