// The seed's three stories (Hertfordshire Police, 30 October 2017), as baskets a colleague scans,
// and two more in the other languages the rules speak: a till in Wales set to Welsh, and a US
// chain's register. Each story's `earlier` purchases are sent first, from another store, as the
// service would have seen them that day. A basket's `locale` picks the colleague's language.
export const STORIES = [
  {
    id: 'markyate',
    title: 'Markyate: an 87-year-old man, £500 of iTunes cards',
    story: 'He has been told he owes HMRC £500, and to pay in iTunes cards and read the codes over the phone.',
    basket: {
      locale: 'en-GB',
      currency: 'GBP',
      lines: [{ kind: 'gift_card', description: 'iTunes £100', brand: 'iTunes', unitAmount: 10000, quantity: 5 }],
      tender: 'cash',
      customer: { ageBand: '80_plus', ageSource: 'staff_estimate' },
    },
  },
  {
    id: 'stevenage',
    title: 'Stevenage: a 65-year-old man, his second shop today',
    story: 'A caller "from HMRC" says he owes tax and sends him from shop to shop for iTunes cards. He bought £1,000 in Hitchin an hour ago.',
    earlier: [{ storeId: 'herts-hitchin-004', minutesAgo: 60, basket: { currency: 'GBP', lines: [{ kind: 'gift_card', brand: 'iTunes', unitAmount: 10000, quantity: 10 }], customer: { ageBand: '60_69', loyaltyId: '634004000123456' } } }],
    basket: {
      locale: 'en-GB',
      currency: 'GBP',
      lines: [{ kind: 'gift_card', description: 'iTunes £100', brand: 'iTunes', unitAmount: 10000, quantity: 10 }],
      tender: 'debit',
      customer: { ageBand: '60_69', ageSource: 'staff_estimate', loyaltyId: '634004000123456' },
    },
  },
  {
    id: 'buntingford',
    title: 'Buntingford: a 53-year-old woman, £5,000 of iTunes cards',
    story: 'A woman "from BT" said her computer had viruses; a "security expert" took control of it and told her to buy the cards.',
    basket: {
      locale: 'en-GB',
      currency: 'GBP',
      lines: [{ kind: 'gift_card', description: 'iTunes £100', brand: 'iTunes', unitAmount: 10000, quantity: 50 }],
      tender: 'debit',
      customer: { ageBand: '50_59', ageSource: 'staff_estimate' },
    },
  },
  {
    id: 'aberystwyth',
    title: 'Aberystwyth (Cymraeg): a 78-year-old woman, £400 of Google Play cards',
    story: 'A caller "from the bank" says her account is at risk and she must move the money onto gift cards. The till is set to Welsh.',
    basket: {
      locale: 'cy-GB',
      currency: 'GBP',
      lines: [{ kind: 'gift_card', description: 'Google Play £100', brand: 'Google Play', unitAmount: 10000, quantity: 4 }],
      tender: 'cash',
      customer: { ageBand: '70_79', ageSource: 'staff_estimate' },
    },
  },
  {
    id: 'ohio',
    title: 'Ohio (en-US): a 72-year-old man, $500 of Target cards',
    story: 'A "deputy" on the phone says he missed jury duty and must pay the fine in gift cards today.',
    basket: {
      locale: 'en-US',
      currency: 'USD',
      lines: [{ kind: 'gift_card', description: 'Target $100', brand: 'Target', unitAmount: 10000, quantity: 5 }],
      tender: 'cash',
      customer: { ageBand: '70_79', ageSource: 'staff_estimate' },
    },
  },
];
