/**
 * The page's CSP admits style elements carrying this response's nonce. Ant Design passes the
 * nonce to the styles it writes (ConfigProvider `csp`), but a few helpers underneath add a
 * style element without it (rc-table measures the scrollbar with one). Every style element
 * this page's own scripts insert gets the nonce as it is inserted: scripts are 'self' only, so
 * this admits nothing the page did not already write.
 */
export function stampStyleNonces(nonce: string): void {
  if (!nonce) return;
  const stamp = (node: Node) => {
    if (node instanceof HTMLStyleElement && !node.nonce) node.nonce = nonce;
  };
  const append = Node.prototype.appendChild;
  const insert = Node.prototype.insertBefore;
  Node.prototype.appendChild = function appendChild<T extends Node>(this: Node, node: T): T {
    stamp(node);
    return append.call(this, node) as T;
  };
  Node.prototype.insertBefore = function insertBefore<T extends Node>(
    this: Node,
    node: T,
    child: Node | null,
  ): T {
    stamp(node);
    return insert.call(this, node, child) as T;
  };
}
