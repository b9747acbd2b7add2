//! Hash-consing: types, attributes and identifiers are uniqued in the context
//! and compared by id.

use crate::entity::EntityRef;
use hashbrown::HashTable;
use rustc_hash::{FxBuildHasher, FxHashMap};
use std::hash::BuildHasher;
use std::hash::Hash;
use std::marker::PhantomData;

/// Uniques values of `T`, handing out one id per distinct value. Each value
/// is stored once; the hash table holds only indices.
pub struct Interner<T: Hash + Eq + Clone, K: EntityRef> {
    items: Vec<T>,
    table: HashTable<u32>,
    _k: PhantomData<K>,
}

impl<T: Hash + Eq + Clone, K: EntityRef> Default for Interner<T, K> {
    fn default() -> Self {
        Interner {
            items: Vec::new(),
            table: HashTable::new(),
            _k: PhantomData,
        }
    }
}

#[inline]
fn hash_of<T: Hash>(v: &T) -> u64 {
    FxBuildHasher.hash_one(v)
}

impl<T: Hash + Eq + Clone, K: EntityRef> Interner<T, K> {
    pub fn intern(&mut self, v: T) -> K {
        let h = hash_of(&v);
        let items = &self.items;
        if let Some(&i) = self.table.find(h, |&i| items[i as usize] == v) {
            return K::new(i as usize);
        }
        let i = self.items.len() as u32;
        self.items.push(v);
        let items = &self.items;
        self.table
            .insert_unique(h, i, |&j| hash_of(&items[j as usize]));
        K::new(i as usize)
    }
    /// Reserves room for `n` more values.
    pub fn reserve(&mut self, n: usize) {
        self.items.reserve(n);
        let items = &self.items;
        self.table.reserve(n, |&j| hash_of(&items[j as usize]));
    }
    pub fn lookup(&self, v: &T) -> Option<K> {
        let h = hash_of(v);
        self.table
            .find(h, |&i| self.items[i as usize] == *v)
            .map(|&i| K::new(i as usize))
    }
    #[inline]
    pub fn get(&self, k: K) -> &T {
        &self.items[k.index()]
    }
    pub fn len(&self) -> usize {
        self.items.len()
    }
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
}

crate::entity_id! {
    /// An interned string: attribute names, symbol names, dialect names.
    pub struct Ident, "ident";
}

/// Uniques strings.
#[derive(Default)]
pub struct StringInterner {
    strings: Vec<Box<str>>,
    map: FxHashMap<Box<str>, u32>,
}

impl StringInterner {
    pub fn intern(&mut self, s: &str) -> Ident {
        if let Some(&i) = self.map.get(s) {
            return Ident::new(i as usize);
        }
        let i = self.strings.len() as u32;
        self.strings.push(s.into());
        self.map.insert(s.into(), i);
        Ident::new(i as usize)
    }
    pub fn lookup(&self, s: &str) -> Option<Ident> {
        self.map.get(s).map(|&i| Ident::new(i as usize))
    }
    #[inline]
    pub fn get(&self, id: Ident) -> &str {
        &self.strings[id.index()]
    }
}
