// The two cytoscape extensions ship no types; each registers itself through cytoscape.use.
declare module 'cytoscape-fcose' {
  const extension: cytoscape.Ext;
  export default extension;
}
declare module 'cytoscape-svg' {
  const extension: cytoscape.Ext;
  export default extension;
}
declare namespace cytoscape {
  interface Core {
    svg(options?: { full?: boolean; scale?: number; bg?: string }): string;
  }
}
