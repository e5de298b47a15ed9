// The children of a node in one pass.
//
// tree-sitter's `ts_node_named_child(node, i)` starts again from the first child on each
// call, and a `TSTreeCursor` re-derives its position on every move, so stepping through a
// node's children costs several hundred instructions per child either way. The walk takes
// every named child of every node it enters; this file lets it take them all at once.
//
// It reads the tree through tree-sitter's own headers (the crate's `src/`, pinned by
// Cargo.lock) and yields exactly the nodes `ts_node_named_child(node, 0..count)` yields:
// hidden nodes are looked through, aliases are honoured. A unit test on the Rust side
// compares the two over every node of the fixtures.

#include "tree_sitter/api.h"
#include "./subtree.h"
#include "./tree.h"
#include "./language.h"

static inline Subtree subtree_of(const TSNode *node) {
  return *(const Subtree *)node->id;
}

static inline bool is_named(const TSLanguage *language, Subtree child, TSSymbol alias) {
  if (alias) return ts_language_symbol_metadata(language, alias).named;
  return ts_subtree_visible(child) && ts_subtree_named(child);
}

static void append_named(const TSNode *parent, TSNode *out, uint32_t capacity, uint32_t *count) {
  Subtree subtree = subtree_of(parent);
  uint32_t child_count = ts_subtree_child_count(subtree);
  if (child_count == 0) return;
  const TSTree *tree = parent->tree;
  const TSSymbol *aliases =
    ts_language_alias_sequence(tree->language, subtree.ptr->production_id);
  const Subtree *children = ts_subtree_children(subtree);
  Length position = {parent->context[0], {parent->context[1], parent->context[2]}};
  uint32_t structural_index = 0;
  for (uint32_t i = 0; i < child_count; i++) {
    const Subtree *child = &children[i];
    TSSymbol alias = 0;
    if (!ts_subtree_extra(*child)) {
      if (aliases) alias = aliases[structural_index];
      structural_index++;
    }
    // A node starts where its first child does: the first child's padding is the parent's.
    if (i > 0) position = length_add(position, ts_subtree_padding(*child));
    TSNode node = {
      {position.bytes, position.extent.row, position.extent.column, alias},
      child,
      tree,
    };
    if (is_named(tree->language, *child, alias)) {
      if (*count < capacity) out[*count] = node;
      (*count)++;
    } else if (ts_subtree_child_count(*child) > 0 && child->ptr->named_child_count > 0) {
      append_named(&node, out, capacity, count);
    }
    position = length_add(position, ts_subtree_size(*child));
  }
}

// tree-sitter counts every aliased child among the visible ones.
static inline bool is_visible(Subtree child, TSSymbol alias) {
  return alias || ts_subtree_visible(child);
}

// The `index`-th child of `parent` (among its named children when `named_only`, else among
// all its visible ones): what `ts_node_named_child` and `ts_node_child` return. A hidden
// child is stepped over whole by its count of relevant descendants, or entered when it holds
// the one wanted, so the search never starts again from the top.
bool doctrine_child(TSNode parent, uint32_t index, bool named_only, TSNode *out) {
  TSNode current = parent;
  for (;;) {
    Subtree subtree = subtree_of(&current);
    uint32_t child_count = ts_subtree_child_count(subtree);
    if (child_count == 0) return false;
    const TSTree *tree = current.tree;
    const TSSymbol *aliases =
      ts_language_alias_sequence(tree->language, subtree.ptr->production_id);
    const Subtree *children = ts_subtree_children(subtree);
    Length position = {current.context[0], {current.context[1], current.context[2]}};
    uint32_t structural_index = 0;
    bool entered = false;
    for (uint32_t i = 0; i < child_count && !entered; i++) {
      const Subtree *child = &children[i];
      TSSymbol alias = 0;
      if (!ts_subtree_extra(*child)) {
        if (aliases) alias = aliases[structural_index];
        structural_index++;
      }
      if (i > 0) position = length_add(position, ts_subtree_padding(*child));
      TSNode node = {
        {position.bytes, position.extent.row, position.extent.column, alias},
        child,
        tree,
      };
      bool relevant = named_only ? is_named(tree->language, *child, alias)
                                 : is_visible(*child, alias);
      if (relevant) {
        if (index == 0) {
          *out = node;
          return true;
        }
        index--;
      } else if (ts_subtree_child_count(*child) > 0) {
        uint32_t inside =
          named_only ? child->ptr->named_child_count : child->ptr->visible_child_count;
        if (index < inside) {
          current = node;
          entered = true;
        } else {
          index -= inside;
        }
      }
      position = length_add(position, ts_subtree_size(*child));
    }
    if (!entered) return false;
  }
}

// Write the named children of `parent` to `out` (at most `capacity` of them) and return
// how many there are.
uint32_t doctrine_named_children(TSNode parent, TSNode *out, uint32_t capacity) {
  uint32_t count = 0;
  append_named(&parent, out, capacity, &count);
  return count;
}
