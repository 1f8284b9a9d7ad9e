/** The lists a CPIX root holds, each with the name of its items: the places the model reads and writes. */
export const CPIX_LIST_ITEMS = {
  DeliveryDataList: 'DeliveryData',
  ContentKeyList: 'ContentKey',
  DRMSystemList: 'DRMSystem',
  ContentKeyPeriodList: 'ContentKeyPeriod',
  ContentKeyUsageRuleList: 'ContentKeyUsageRule',
  UpdateHistoryItemList: 'UpdateHistoryItem',
} as const;

/** The name of one of the root's lists. */
export type CpixListName = keyof typeof CPIX_LIST_ITEMS;
